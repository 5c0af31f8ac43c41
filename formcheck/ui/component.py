"""The live view as a Streamlit component: static HTML/CSS/JS shipped in ``live_view/`` (no build step), declared
once. The page passes the session's token, the socket path, the panel to show before the first frame and the
messages the browser itself may need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from formcheck.app.camera import BROWSER_CAMERA_ERRORS, MSG_RECONNECTING
from formcheck.app.panel import Panel
from formcheck.ui.live_socket import SOCKET_PATH

_live_view = components.declare_component("formcheck_live", path=str(Path(__file__).resolve().parent / "live_view"))


def live_view(token: str, panel: Panel, routine: bool, key: str = "formcheck-live") -> Any:
    """Show the live view (camera, skeleton, cues, controls). It keeps running across page reruns."""
    return _live_view(
        token=token,
        socket_path=SOCKET_PATH,
        panel=panel.to_dict(),
        routine=routine,
        messages={"camera_errors": BROWSER_CAMERA_ERRORS, "reconnecting": MSG_RECONNECTING},
        key=key,
        default=None,
    )
