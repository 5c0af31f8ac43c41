"""https for phones: `formcheck app --lan --https` makes its own certificate, private on disk, for this machine's
names and addresses, and the server (pages and the live socket) answers over TLS with it."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509

from formcheck.app.access import serve_command
from formcheck.app.tls import ensure_certificate, lan_addresses, machine_names

ROOT = Path(__file__).resolve().parent.parent


def sans(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.DNSName)} | {
        str(v) for v in san.get_values_for_type(x509.IPAddress)
    }


def test_the_certificate_is_made_once_for_this_machine_and_kept_private(tmp_path):
    folder = tmp_path / "tls"
    cert = ensure_certificate(folder)
    assert {"localhost", "127.0.0.1", "::1", *lan_addresses()} <= sans(cert.cert) == set(machine_names())
    assert all(not ipaddress.ip_address(a).is_loopback for a in lan_addresses())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cert.key.stat().st_mode) == stat.S_IMODE(cert.cert.stat().st_mode) == 0o600
    again = ensure_certificate(folder)  # kept: a phone that accepted it is not asked again
    assert again.fingerprint == cert.fingerprint and len(cert.fingerprint.split(":")) == 32
    moved = ensure_certificate(folder, (*machine_names(), "192.0.2.7"))  # a new address: made anew
    assert moved.fingerprint != cert.fingerprint and "192.0.2.7" in sans(moved.cert)


def test_the_https_command_line_names_the_certificate(tmp_path):
    cert = ensure_certificate(tmp_path / "tls")
    cmd = serve_command(True, 8443, "correct horse", 200, ROOT / "formcheck" / "ui" / "server.py", cert)
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.sslCertFile"] == str(cert.cert) and opts["--server.sslKeyFile"] == str(cert.key)
    assert opts["--server.address"] == "0.0.0.0"
    plain = serve_command(False, 8501, None, 200, ROOT / "formcheck" / "ui" / "server.py")
    assert "--server.sslCertFile" not in plain


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def https_app(tmp_path_factory):
    """``formcheck app --lan --https`` as a person starts it (history and certificate in a temporary folder)."""
    tmp = tmp_path_factory.mktemp("https")
    port = free_port()
    env = os.environ | {"FORMCHECK_DB": str(tmp / "h.sqlite"), "FORMCHECK_PASSCODE": "correct horse"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "formcheck", "app", "--lan", "--https", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    context = None
    try:
        deadline = time.monotonic() + 60
        while True:
            cert = tmp / "tls" / "cert.pem"
            try:
                if cert.exists():
                    context = ssl.create_default_context(cafile=str(cert))
                    url = f"https://127.0.0.1:{port}/_stcore/health"
                    if urllib.request.urlopen(url, timeout=2, context=context).read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the https app did not start: {proc.stdout.read() if proc.poll() else ''}")
            time.sleep(0.5)
        yield port, context, tmp
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_the_app_answers_over_https_with_its_certificate(https_app):
    port, context, tmp = https_app
    page = urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=5, context=context).read()
    assert b"<html" in page.lower()
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):  # it is self-signed: browsers warn
        urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=5, context=ssl.create_default_context())
    assert sorted(p.name for p in (tmp / "tls").iterdir()) == ["cert.pem", "key.pem"]


def test_the_live_socket_is_wss_and_opens_only_with_a_page_token(https_app):
    import websockets

    port, context, _ = https_app
    url, origin = f"wss://127.0.0.1:{port}/formcheck/live", f"https://127.0.0.1:{port}"

    async def talk() -> tuple[dict, int | None]:
        async with websockets.connect(url, ssl=context, origin=origin) as ws:
            await ws.send(json.dumps({"type": "hello", "token": "guessed"}))
            answer = json.loads(await ws.recv())
            await ws.wait_closed()
            return answer, ws.close_code

    answer, code = asyncio.run(talk())
    assert answer["type"] == "error" and answer["fatal"] and "Reload the page" in answer["message"] and code == 1008

    async def foreign() -> None:
        async with websockets.connect(url, ssl=context, origin="https://elsewhere.example") as ws:
            await ws.recv()

    with pytest.raises(websockets.exceptions.WebSocketException):  # another site's page may not open it
        asyncio.run(foreign())
