"""Every ``FORMCHECK_*`` environment variable, read and validated in this one place.

Each variable is declared as data (name, default, what it accepts, what it is for). A bad value raises
``SettingError`` with one message naming the variable and what it accepts; nothing else in formcheck reads the
environment for its own settings. ``describe()`` gives the table the README shows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from formcheck.errors import SettingError

T = TypeVar("T")
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MAX_UPLOAD_MB_RANGE = (1, 10_000)
PASSCODE_MIN_CHARS = 8


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as text, as a person would write it; "" = none
    accepts: str  # what the variable accepts, in words
    purpose: str
    secret: bool = False  # its value is never repeated in a message


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "FORMCHECK_DB",
            "~/.formcheck/history.sqlite",
            "a file path (its folder is created if missing)",
            "where the session history (SQLite) is kept",
        ),
        Variable(
            "FORMCHECK_MAX_UPLOAD_MB",
            "200",
            f"a whole number of megabytes from {MAX_UPLOAD_MB_RANGE[0]} to {MAX_UPLOAD_MB_RANGE[1]}",
            "the largest recording the upload page accepts",
        ),
        Variable(
            "FORMCHECK_PASSCODE",
            "",
            f"at least {PASSCODE_MIN_CHARS} characters, no spaces at either end",
            "the passcode people sign in with (with their name) when the app is served on the network "
            "(`formcheck app --lan`); needed for that",
            secret=True,
        ),
        Variable(
            "FORMCHECK_MODELS_DIR",
            "the project's models/ folder",
            "an existing folder holding pose_landmarker_{lite,full}.task",
            "where the pose model bundles are loaded from",
        ),
    )
}


def _read(name: str, parse: Callable[[str], T], default: T, env: Mapping[str, str] | None) -> T:
    raw = (os.environ if env is None else env).get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError) as exc:
        var = VARIABLES[name]
        detail = f" ({exc})" if str(exc) else ""
        shown = "(hidden)" if var.secret else repr(raw)
        raise SettingError(f"{name}={shown} is not valid{detail}: it accepts {var.accepts}.") from None


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("it is empty")
    return Path(raw).expanduser()


def _upload_mb(raw: str) -> int:
    value = int(raw.strip())
    low, high = MAX_UPLOAD_MB_RANGE
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range")
    return value


def _passcode(raw: str) -> str | None:
    if raw == "":
        return None  # set but empty: no passcode, like unset
    if raw != raw.strip():
        raise ValueError("it has spaces at an end")
    if len(raw) < PASSCODE_MIN_CHARS:
        raise ValueError(f"it has {len(raw)} characters")
    return raw


def _folder(raw: str) -> Path:
    path = _path(raw)
    if not path.is_dir():
        raise ValueError("no such folder")
    return path


def db_path(env: Mapping[str, str] | None = None) -> Path:
    """``FORMCHECK_DB``: the history database file."""
    return _read("FORMCHECK_DB", _path, Path.home() / ".formcheck" / "history.sqlite", env)


def max_upload_mb(env: Mapping[str, str] | None = None) -> int:
    """``FORMCHECK_MAX_UPLOAD_MB``: the upload cap in megabytes."""
    return _read("FORMCHECK_MAX_UPLOAD_MB", _upload_mb, 200, env)


def passcode(env: Mapping[str, str] | None = None) -> str | None:
    """``FORMCHECK_PASSCODE``: the sign-in passcode for network serving (None: not set)."""
    return _read("FORMCHECK_PASSCODE", _passcode, None, env)


def models_dir(env: Mapping[str, str] | None = None) -> Path:
    """``FORMCHECK_MODELS_DIR``: where the ``.task`` model bundles are."""
    return _read("FORMCHECK_MODELS_DIR", _folder, MODELS_DIR, env)


def problems(env: Mapping[str, str] | None = None) -> list[str]:
    """One message per variable that is set to a bad value (empty when all are fine)."""
    out = []
    for read in (db_path, max_upload_mb, passcode, models_dir):
        try:
            read(env)
        except SettingError as exc:
            out.append(str(exc))
    return out


def describe() -> list[dict[str, str]]:
    """The variables as rows (name, default, accepts, purpose), for documentation."""
    return [{k: v for k, v in vars(var).items() if k != "secret"} for var in VARIABLES.values()]
