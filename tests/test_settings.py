"""Every FORMCHECK_* variable is read and validated in formcheck.settings; bad values give one message naming it."""

import re
from pathlib import Path

import pytest

from formcheck import settings
from formcheck.errors import SettingError

PACKAGE = Path(settings.__file__).resolve().parent


def test_defaults_when_nothing_is_set():
    assert settings.db_path({}) == Path.home() / ".formcheck" / "history.sqlite"
    assert settings.max_upload_mb({}) == 200
    assert settings.models_dir({}) == settings.MODELS_DIR
    assert settings.passcode({}) is None and settings.passcode({"FORMCHECK_PASSCODE": ""}) is None
    assert settings.problems({}) == []


def test_good_values_are_read(tmp_path):
    env = {
        "FORMCHECK_DB": str(tmp_path / "h.sqlite"),
        "FORMCHECK_MAX_UPLOAD_MB": " 500 ",
        "FORMCHECK_MODELS_DIR": str(tmp_path),
        "FORMCHECK_PASSCODE": "correct horse",
    }
    assert settings.passcode(env) == "correct horse"
    assert settings.db_path(env) == tmp_path / "h.sqlite"
    assert settings.max_upload_mb(env) == 500
    assert settings.models_dir(env) == tmp_path


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("FORMCHECK_MAX_UPLOAD_MB", "abc", settings.max_upload_mb),
        ("FORMCHECK_MAX_UPLOAD_MB", "0", settings.max_upload_mb),
        ("FORMCHECK_MAX_UPLOAD_MB", "-5", settings.max_upload_mb),
        ("FORMCHECK_MAX_UPLOAD_MB", "2.5", settings.max_upload_mb),
        ("FORMCHECK_MAX_UPLOAD_MB", "99999999", settings.max_upload_mb),
        ("FORMCHECK_DB", "", settings.db_path),
        ("FORMCHECK_DB", "   ", settings.db_path),
        ("FORMCHECK_MODELS_DIR", "/nonexistent/models", settings.models_dir),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_accepts(name, value, reader):
    with pytest.raises(SettingError) as err:
        reader({name: value})
    message = str(err.value)
    assert message.startswith(f"{name}={value!r} is not valid")
    assert f"it accepts {settings.VARIABLES[name].accepts}" in message
    assert "\n" not in message
    assert settings.problems({name: value}) == [message]


def test_no_other_module_reads_formcheck_variables():
    reads = re.compile(r"""(environ(\.get)?|getenv)\s*[\[(]\s*["']FORMCHECK_""")
    readers = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name != "settings.py" and reads.search(p.read_text())
    ]
    assert readers == []
    assert reads.search('os.environ.get("FORMCHECK_DB")') and reads.search("os.getenv('FORMCHECK_X')")


@pytest.mark.parametrize("value", ["1234", " secret passcode"])
def test_a_bad_passcode_is_named_but_never_repeated(value):
    with pytest.raises(SettingError) as err:
        settings.passcode({"FORMCHECK_PASSCODE": value})
    message = str(err.value)
    assert message.startswith("FORMCHECK_PASSCODE=(hidden) is not valid") and value.strip() not in message
    assert f"it accepts {settings.VARIABLES['FORMCHECK_PASSCODE'].accepts}" in message
