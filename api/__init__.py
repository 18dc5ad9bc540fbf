"""HTTP API (FastAPI) and the `dutydesk` command line. Routers stay thin: parse, authorise,
call one service function, shape the response. Errors leave as RFC 9457 problems."""
