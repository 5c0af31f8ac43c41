"""The live page's WebSocket (``SOCKET_PATH``), served by the app's own server (Streamlit's ``st.App`` routes): same
address, same port, same certificate as the pages, so it is as private as they are (127.0.0.1 unless served on the
LAN, and wss:// when the app serves https). What flows over it is :mod:`formcheck.app.channel`'s; this module only
carries it: text and binary messages in, answers out, the checker run off the event loop, one frame at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from formcheck.app.channel import ChannelError, LiveChannel
from formcheck.errors import FormcheckError

LOG = logging.getLogger(__name__)
SOCKET_PATH = "/formcheck/live"
SCRIPT = str(Path(__file__).resolve().with_name("streamlit_app.py"))  # the pages, run for each visitor
TICK_S = 0.5  # how often the camera state is looked at
CLOSE_POLICY = 1008  # WebSocket close code: a message the server will not take
WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="formcheck-live")  # the model runs here


def same_origin(ws: WebSocket) -> bool:
    """The page that opens the socket was served by this server (browsers always send Origin on WebSockets)."""
    origin = ws.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc == ws.headers.get("host")


async def live_socket(ws: WebSocket) -> None:
    if not same_origin(ws):
        await ws.close(code=CLOSE_POLICY)
        return
    await ws.accept()
    channel = LiveChannel()
    ticker = asyncio.create_task(_tick(ws, channel))
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            if not await _handle(ws, channel, message):
                await ws.close(code=CLOSE_POLICY)
                break
    except WebSocketDisconnect:
        pass
    finally:
        ticker.cancel()
        channel.closed()


async def _handle(ws: WebSocket, channel: LiveChannel, message: MutableMapping[str, Any]) -> bool:
    """Answer one message; False when the connection must end."""
    data, text = message.get("bytes"), message.get("text")
    try:
        if data is not None:
            answer = await asyncio.get_running_loop().run_in_executor(WORKERS, channel.frame, data)
            start = time.perf_counter()
            await ws.send_text(json.dumps(answer, separators=(",", ":")))
            channel.encoded((time.perf_counter() - start) * 1000)
        elif text is not None:
            for answer in channel.text(text):
                await ws.send_text(json.dumps(answer))
    except ChannelError as exc:
        await _error(ws, str(exc), fatal=exc.fatal, frame=data is not None)
        return not exc.fatal
    except FormcheckError as exc:  # e.g. the model cannot be loaded: one message, and this connection ends
        await _error(ws, str(exc), fatal=True, frame=data is not None)
        return False
    except ValueError as exc:  # e.g. a routine command outside a routine
        await _error(ws, str(exc), fatal=False, frame=data is not None)
    return True


async def _error(ws: WebSocket, message: str, fatal: bool, frame: bool) -> None:
    await ws.send_text(json.dumps({"type": "error", "message": message, "fatal": fatal, "frame": frame}))


async def _tick(ws: WebSocket, channel: LiveChannel) -> None:
    """Twice a second: tell the page when what to say about the camera changes (stopped, no frames)."""
    try:
        while True:
            await asyncio.sleep(TICK_S)
            status = channel.tick()
            if status is not None:
                await ws.send_text(json.dumps(status))
    except (WebSocketDisconnect, RuntimeError):  # the connection closed under us
        return


ROUTES = [WebSocketRoute(SOCKET_PATH, live_socket)]
