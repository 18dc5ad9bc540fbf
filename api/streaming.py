"""A streamed answer that tells what it handed out: `on_sent` after each piece of the body the
server took to send (a send that failed because the client is gone did not take it; one
cancelled midway may have), and `on_close` once the body is done with, however the download
ended: sent whole, the client gone (a failed send, or a disconnect cancelling the stream), or
the body failing. `on_close` runs after the body generator is closed, in a worker thread,
shielded from the cancellation that a disconnect brings, so it can still write (an audit
entry of what was handed out)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping

import anyio
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send


class ClosingStreamingResponse(StreamingResponse):
    def __init__(
        self,
        content: Generator[bytes, None, None],
        *,
        on_sent: Callable[[], None],
        on_close: Callable[[], None],
        media_type: str,
        headers: Mapping[str, str],
    ) -> None:
        super().__init__(content, media_type=media_type, headers=headers)
        self._content = content
        self._on_sent = on_sent
        self._on_close = on_close

    async def stream_response(self, send: Send) -> None:
        async def send_counted(message: Message) -> None:
            taken = True
            try:
                await send(message)
            except OSError:  # the server's word that the client is gone (ASGI 2.4)
                taken = False
                raise
            finally:
                if taken and message.get("body"):
                    self._on_sent()

        await super().stream_response(send_counted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # the body's worker thread has returned by now (Starlette waits for a running
            # `next` before it lets a cancellation through), so nothing else uses the body or
            # its session
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(self._close)

    def _close(self) -> None:
        self._content.close()
        self._on_close()
