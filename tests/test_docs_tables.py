"""docs/ODD.md's tables of parameters and calibration constants match the declaration."""

from __future__ import annotations

import importlib.util

from support import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("declaration_tables",
                                                  ROOT / "docs" / "declaration_tables.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_odd_tables_are_generated_from_the_declaration() -> None:
    """Regenerate with `.venv/bin/python docs/declaration_tables.py` when this fails."""
    gen = _generator()
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert gen.render(text) == text, "docs/ODD.md tables are stale: run docs/declaration_tables.py"


def test_generated_calibration_table_lists_every_constant_with_its_source() -> None:
    from ecosim.params import CALIBRATION, PARAMETERS

    table = _generator().calibration_table()
    for name in CALIBRATION:
        row = next(r for r in table.splitlines() if r.startswith(f"| `{name}` |"))
        assert PARAMETERS[name].source in row


def test_calibration_doc_lists_the_target_file() -> None:
    """docs/calibration.md's target table is data/calibration_targets.toml's."""
    gen = _generator()
    text = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    tables = {"targets": gen.targets_table()}
    assert gen.render(text, tables) == text, ("docs/calibration.md targets are stale: run "
                                              "docs/declaration_tables.py")
    assert "| `participation_micro_firms` | holdout |" in tables["targets"]
