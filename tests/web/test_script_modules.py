"""The pages' script is native ES modules: the page loads `static/app.js` as a module, every
module it imports (and those import) is served as JavaScript from our own origin, so the
Content-Security-Policy's `script-src 'self'` holds, and is revalidated on every use, since the
modules name each other without `asset()`'s content hash; the page preloads them all at once."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from fastapi.testclient import TestClient

IMPORT = re.compile(r'^import \{[^}]*\} from "([^"]+)";$', re.M)


def _modules(client: TestClient, path: str, seen: dict[str, str]) -> dict[str, str]:
    """Every module reachable from `path` by its imports → its response's Cache-Control."""
    if path in seen:
        return seen
    response = client.get(path)
    assert response.status_code == 200, path
    assert "javascript" in response.headers["content-type"], path
    seen[path] = response.headers.get("cache-control", "")
    for name in IMPORT.findall(response.text):
        assert name.startswith("./"), f"{path} imports {name}: only our own modules"
        _modules(client, str(PurePosixPath(path).parent / name[2:]), seen)
    return seen


def test_the_login_page_loads_the_script_as_a_module_whose_imports_are_all_served(
    client: TestClient,
) -> None:
    page = client.get("/login")
    entry = re.search(r'<script type="module" src="(/static/app\.js)\?v=\w+"></script>', page.text)
    assert entry, "the page loads app.js as a module"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    modules = _modules(client, entry.group(1), {})
    assert len(modules) > 10  # the entry and one module per concern
    assert set(modules.values()) == {"no-cache"}
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', page.text))
    assert preloaded == set(modules) - {entry.group(1)}  # fetched at once, not one by one
