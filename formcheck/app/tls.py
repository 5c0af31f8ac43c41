"""A self-signed certificate for serving the app over https on the LAN (browsers allow the camera only on https or
on this machine, so a phone needs it).

``ensure_certificate(folder)`` makes an ECDSA P-256 key and a certificate for this machine's names and addresses
(localhost, the host name, 127.0.0.1, ::1 and its LAN addresses) the first time, and again when the addresses
changed or it is about to expire; otherwise it keeps the one it has, so a phone that accepted it once is not asked
again. The folder is private (0700), the key and certificate 0600. Nothing leaves the machine: no CA is asked.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from formcheck.errors import FormcheckError

LOG = logging.getLogger(__name__)
VALID_DAYS = 397  # what browsers accept for a server certificate
RENEW_DAYS = 30  # made anew when it expires sooner than this
CERT_NAME, KEY_NAME = "cert.pem", "key.pem"


class CertificateError(FormcheckError):
    """The certificate could not be made or stored."""


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    names: tuple[str, ...]  # the DNS names and IP addresses it is valid for
    fingerprint: str  # SHA-256, hex with colons: what a person may compare with the browser's warning page


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, as far as it can tell without sending anything."""
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # UDP connect only picks the outgoing interface: no packet is sent
            found.add(s.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback and not a.startswith("0."))


def machine_names(addresses: Iterable[str] | None = None) -> tuple[str, ...]:
    host = socket.gethostname()
    names = ["localhost", host, f"{host}.local", "127.0.0.1", "::1", *(addresses or lan_addresses())]
    return tuple(dict.fromkeys(n for n in names if n))


def _alt_names(names: Iterable[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return out


def _covers(cert: x509.Certificate, names: Iterable[str], now: dt.datetime) -> bool:
    if cert.not_valid_after_utc - now < dt.timedelta(days=RENEW_DAYS):
        return False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have = {str(v) for v in san.get_values_for_type(x509.DNSName)}
    have |= {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    return set(names) <= have


def _make(names: tuple[str, ...], now: dt.datetime) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"formcheck on {socket.gethostname()}"[:64])])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_certificate(folder: Path, names: tuple[str, ...] | None = None) -> Certificate:
    """The certificate and key in ``folder`` for ``names`` (default: this machine's), made if missing or stale."""
    names = names or machine_names()
    now = dt.datetime.now(dt.UTC)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        cert = None
        if cert_path.is_file() and key_path.is_file():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if not _covers(cert, names, now):
                cert = None
        if cert is None:
            LOG.info("making a self-signed certificate for %s in %s", ", ".join(names), folder)
            cert_pem, key_pem = _make(names, now)
            _write_private(key_path, key_pem)
            _write_private(cert_path, cert_pem)
            cert = x509.load_pem_x509_certificate(cert_pem)
    except (OSError, ValueError) as exc:
        raise CertificateError(f"could not make the https certificate in {folder}: {exc}") from None
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return Certificate(cert_path, key_path, names, fingerprint)
