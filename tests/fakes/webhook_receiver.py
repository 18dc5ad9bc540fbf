"""A tiny webhook receiver for tests: a stdlib HTTP server on 127.0.0.1 that records
every POST (path, query, headers, form) and answers with a fixed status."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class ReceivedWebhook:
    path: str  # path and query, exactly as requested
    url: str  # full URL as the sender addressed it (for signature checks)
    form: dict[str, str]
    headers: dict[str, str]
    received_at: float  # time.monotonic()

    @property
    def signature(self) -> str:
        return self.headers.get("x-twilio-signature", "")


class WebhookReceiver:
    """`with WebhookReceiver() as rx: ... rx.url + "/twilio/status" ... rx.wait(n)`"""

    def __init__(self, status: int = 200, body: str = "<Response/>") -> None:
        self.status = status
        self.body = body
        self._lock = threading.Lock()
        self._received: list[ReceivedWebhook] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("receiver is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def received(self) -> list[ReceivedWebhook]:
        with self._lock:
            return list(self._received)

    def wait(self, count: int, timeout: float = 2.0) -> list[ReceivedWebhook]:
        """Poll until at least `count` webhooks arrived (or `timeout`); return them all."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.received

    def __enter__(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
                return

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                host = self.headers.get("Host", "")
                hook = ReceivedWebhook(
                    path=self.path,
                    url=f"http://{host}{self.path}",
                    form=dict(parse_qsl(raw, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    received_at=time.monotonic(),
                )
                with receiver._lock:
                    receiver._received.append(hook)
                data = receiver.body.encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=2)

    @staticmethod
    def path_of(url: str) -> str:
        return urlsplit(url).path
