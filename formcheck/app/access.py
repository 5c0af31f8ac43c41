"""Who may use the app, and as whom: private by default.

Served on this machine only (127.0.0.1, what ``formcheck app`` and the project's ``.streamlit/config.toml`` bind),
there is no sign-in and everything belongs to the ``local`` profile. Served on the network, everybody signs in with
their name and the passcode (``FORMCHECK_PASSCODE``), and each name is a profile that sees only its own history.
Served on the network without a passcode, the app refuses to show anything. The passcode keeps strangers out; the
names separate people who share it (a household), they do not protect them from each other.
"""

from __future__ import annotations

import hmac
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.app.history import DEFAULT_PROFILE
from formcheck.errors import FormcheckError

if TYPE_CHECKING:
    from formcheck.app.tls import Certificate

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}")
DEFAULT_PORT = 8501


class AccessError(FormcheckError):
    """Signing in failed, or the app may not be served the way it was asked."""


def is_local(address: str | None) -> bool:
    """Whether Streamlit's ``server.address`` keeps the app on this machine (unset means every interface)."""
    return bool(address) and address in LOOPBACK


@dataclass(frozen=True)
class Gate:
    """What the app asks before showing a page, from where it listens and the passcode setting."""

    address: str | None
    passcode: str | None

    @property
    def refused(self) -> str | None:
        """A message when the app listens on the network with no passcode (then it shows nothing else)."""
        if is_local(self.address) or self.passcode is not None:
            return None
        where = self.address or "every network interface"
        return (
            f"formcheck is being served on {where} without a passcode, so anyone on the network could see your "
            "history. Start it with `formcheck app` (this machine only), or set FORMCHECK_PASSCODE and use "
            "`formcheck app --lan`."
        )

    @property
    def sign_in_needed(self) -> bool:
        return self.passcode is not None

    def sign_in(self, name: str, code: str) -> str:
        """The profile for ``name`` when ``code`` is the passcode; AccessError otherwise."""
        if self.passcode is None:
            return DEFAULT_PROFILE
        if not hmac.compare_digest(code.encode(), self.passcode.encode()):
            raise AccessError("That passcode is not right. Ask the person running formcheck for it.")
        return profile_for(name)


def profile_for(name: str) -> str:
    """A person's profile key from the name they sign in with (case and outer spaces do not matter)."""
    clean = " ".join(name.split())
    if not NAME.fullmatch(clean):
        raise AccessError(
            "Your name must be 1 to 40 letters, digits, spaces, dots, dashes or underscores, starting with a letter "
            "or digit."
        )
    key = clean.lower()
    return key if key != DEFAULT_PROFILE else f"{key} (signed in)"  # never the no-sign-in profile


def upload_cap(setting_mb: int, server_mb: int | None) -> tuple[int, str | None]:
    """The upload limit the page states and enforces: ``FORMCHECK_MAX_UPLOAD_MB``, unless Streamlit's own
    ``server.maxUploadSize`` is lower (then that, with a note saying how to raise it)."""
    if server_mb is None or setting_mb <= server_mb:
        return setting_mb, None
    return server_mb, (
        f"FORMCHECK_MAX_UPLOAD_MB={setting_mb} is above this server's upload limit of {server_mb} MB, so uploads "
        f"are capped at {server_mb} MB. Start formcheck with `formcheck app`, which gives Streamlit the same limit."
    )


def check_serving(lan: bool, port: int, passcode: str | None) -> None:
    """AccessError unless the app may be served this way: the network needs a passcode; the port must exist."""
    if lan and passcode is None:
        raise AccessError(
            "serving on the network needs a passcode: set FORMCHECK_PASSCODE (8 or more characters) and run "
            "`formcheck app --lan` again"
        )
    if not 1 <= port <= 65535:
        raise AccessError(f"--port must be from 1 to 65535, got {port}")


def serve_command(
    lan: bool, port: int, passcode: str | None, max_upload_mb: int, script: Path, tls: Certificate | None = None
) -> list[str]:
    """The ``streamlit run`` command line for ``formcheck app``: this machine only unless ``lan`` (which needs the
    passcode), the upload limit from the setting, usage statistics off, XSRF protection on; https with ``tls``'s
    certificate and key (the live page's socket is then wss, on the same server)."""
    check_serving(lan, port, passcode)
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "0.0.0.0" if lan else "127.0.0.1",
        "--server.port",
        str(port),
        "--server.maxUploadSize",
        str(max_upload_mb),
        "--server.enableXsrfProtection",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *(["--server.sslCertFile", str(tls.cert), "--server.sslKeyFile", str(tls.key)] if tls else []),
    ]
