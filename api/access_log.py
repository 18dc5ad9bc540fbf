"""Access-log hygiene: the secret in an iCal feed's URL (`/ical/<token>.ics`, the token is
the credential) never reaches the log, nor does a credential in a query string (Open311's
`api_key`, an `access_token`), nor a phone or ID number searched for (`?q=13812345678` on the
complaint queue: masked as everywhere else, 138****5678). `install()` puts the filter on
uvicorn's access logger where the server configures logging (api/cli.py); uvicorn's own
logging setup keeps it."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote_plus, unquote_plus

from core.privacy import mask_text_phones

ACCESS_LOGGER = "uvicorn.access"
_FEED_TOKEN = re.compile(r"/ical/[^/\s?#\".]+")
REDACTED = "/ical/<redacted>"
SECRET_PARAMETERS = frozenset({"api_key", "access_token", "token", "password", "secret"})


def _query_parameter(pair: str) -> str:
    name, equals, value = pair.partition("=")
    if not equals:
        return pair
    if unquote_plus(name).lower() in SECRET_PARAMETERS:
        return f"{name}=<redacted>"
    plain = unquote_plus(value)
    masked = mask_text_phones(plain)
    return pair if masked == plain else f"{name}={quote_plus(masked, safe='*')}"


def redact(text: str) -> str:
    """`text` with every iCal feed token replaced by `<redacted>`, and in a query string the
    credentials replaced by `<redacted>` and phone and ID numbers masked."""
    text = _FEED_TOKEN.sub(REDACTED, text)
    path, mark, query = text.partition("?")
    if not mark:
        return text
    query, space, rest = query.partition(" ")  # a whole request line: "GET /p?q HTTP/1.1"
    masked = "&".join(_query_parameter(pair) for pair in query.split("&"))
    return f"{path}?{masked}{space}{rest}"


class RedactFeedTokens(logging.Filter):
    """Rewrites the record's message and arguments (uvicorn's access formatter reads the
    path from the arguments), never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Adds the filter to the logger once."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactFeedTokens) for f in logger.filters):
        logger.addFilter(RedactFeedTokens())
