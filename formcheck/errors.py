"""Exceptions formcheck raises for problems a user can act on. Their message is one line meant for people."""


class FormcheckError(Exception):
    """Base class: a problem with a clear, specific, user-facing message."""


class InputError(FormcheckError):
    """The input (file, upload, camera) cannot be used: empty, not a video, corrupt, unsupported."""


class ModelError(FormcheckError):
    """The pose model is missing or cannot be loaded."""


class SettingError(FormcheckError):
    """A ``FORMCHECK_*`` environment variable holds a value formcheck cannot use (the message names it)."""


class OutputError(FormcheckError):
    """An output file (``--out``, ``--json``, ``--csv``) cannot be written where asked: the input itself, a folder,
    a missing or read-only folder, a full disk."""


def one_line(text: str) -> str:
    """``text`` as one printable line: control characters (a newline in a file name...) are shown escaped, so a
    name cannot break a message or add a fake line to a summary."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
