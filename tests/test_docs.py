"""Documents made from the code stay in step with it."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_the_criteria_document_matches_the_exercises():
    spec = importlib.util.spec_from_file_location("criteria_table", ROOT / "scripts" / "criteria_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "criteria.md").read_text() == module.table(), "run scripts/criteria_table.py"
