"""Writing output files atomically: into a temporary file in the same folder, renamed over the target only when
complete, so a failed or interrupted write (a full disk, a crash) never leaves a half file or destroys the old one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from formcheck.errors import OutputError


class AtomicTarget:
    """A temporary file ``tmp`` beside ``path`` (same suffix, so writers pick the same format): ``commit()`` renames
    it to ``path``, ``discard()`` removes it. Raises OutputError when it cannot be made or renamed."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=f".tmp{self.path.suffix}", dir=self.path.parent
            )
        except OSError as exc:
            raise OutputError(f"could not write {self.path}: {exc.strerror or exc}") from None
        os.close(fd)
        self.tmp = Path(tmp)

    def commit(self) -> None:
        try:
            os.chmod(self.tmp, self.path.stat().st_mode & 0o777 if self.path.is_file() else 0o644)  # mkstemp: 0600
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise OutputError(f"could not write {self.path}: {exc.strerror or exc}") from None

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """The temporary path to write; renamed to ``path`` when the block ends without an error, removed otherwise."""
    target = AtomicTarget(path)
    try:
        yield target.tmp
    except BaseException:
        target.discard()
        raise
    target.commit()


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically. Raises OutputError (e.g. the disk is full)."""
    with atomic_path(path) as tmp:
        try:
            with tmp.open("wb") as fh:
                fh.write(data.encode() if isinstance(data, str) else data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"could not write {Path(path)}: {exc.strerror or exc}") from None
