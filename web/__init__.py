"""Server-rendered pages and static assets. Everything is served by DutyDesk itself: no CDN."""
