"""Access-log hygiene: the secret in an iCal feed's URL (`/ical/<token>.ics`, the token is
the credential) never reaches the log. `install()` puts the filter on uvicorn's access logger
where the server configures logging (api/cli.py); uvicorn's own logging setup keeps it."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_FEED_TOKEN = re.compile(r"/ical/[^/\s?#\".]+")
REDACTED = "/ical/<redacted>"


def redact(text: str) -> str:
    """`text` with every iCal feed token replaced by `<redacted>`."""
    return _FEED_TOKEN.sub(REDACTED, text)


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
