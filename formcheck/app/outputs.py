"""Checking output paths (``--out``, ``--json``, ``--csv``) before an analysis starts, so a bad one is one clear
error at once instead of a failure after minutes of work, and never the input overwritten while it is read."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from formcheck.errors import OutputError, one_line

MIN_FREE_BYTES = 16 * 2**20  # less free space than this on the output's disk counts as full


def check_outputs(source: str | Path, outputs: Mapping[str, str | Path | None], what: str = "recording") -> None:
    """Raise OutputError when an output (flag -> path; None = not asked for) is the input (``source``, named
    ``what`` in the message), is given twice, is a folder, sits in a folder that is missing or cannot be written, or
    on a full disk."""
    seen: dict[Path, str] = {}
    for flag, raw in outputs.items():
        if raw is None:
            continue
        path = Path(raw).expanduser()
        name = one_line(str(raw))
        if _same_file(path, Path(source)):
            raise OutputError(f"{flag} {name} is the input {what}: writing it would destroy it; choose another name")
        resolved = path.resolve()
        if resolved in seen:
            raise OutputError(f"{flag} {name} is also given to {seen[resolved]}: choose two different files")
        seen[resolved] = flag
        _check_writable(flag, name, path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _check_writable(flag: str, name: str, path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{flag} {name} is a folder: give a file name, e.g. {one_line(str(path / 'out'))}")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{flag} {name}: the folder {one_line(str(folder))} does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputError(f"{flag} {name}: cannot write in {one_line(str(folder))} ({exc.strerror or exc})") from None
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        raise OutputError(f"{flag} {name}: the disk is full ({free / 2**20:.1f} MB free in {one_line(str(folder))})")


def check_output_folder(flag: str, raw: str | Path) -> Path:
    """The folder ``flag`` names, created if missing; OutputError when it is a file, cannot be created or written,
    or sits on a full disk."""
    path = Path(raw).expanduser()
    name = one_line(str(raw))
    if path.exists() and not path.is_dir():
        raise OutputError(f"{flag} {name} is a file: give a folder to write the results in")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{flag} {name}: cannot create that folder ({exc.strerror or exc})") from None
    _check_writable(flag, name, path / "results.csv")
    return path
