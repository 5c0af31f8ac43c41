"""Exceptions formcheck raises for problems a user can act on. Their message is one line meant for people."""


class FormcheckError(Exception):
    """Base class: a problem with a clear, specific, user-facing message."""


class InputError(FormcheckError):
    """The input (file, upload, camera) cannot be used: empty, not a video, corrupt, unsupported."""


class ModelError(FormcheckError):
    """The pose model is missing or cannot be loaded."""


class SettingError(FormcheckError):
    """A ``FORMCHECK_*`` environment variable holds a value formcheck cannot use (the message names it)."""
