"""The schedule is data, and docs/ODD.md §3 describes exactly that schedule."""

from __future__ import annotations

import re
import sys
import types

import pytest
from support import ROOT, make_model

from ecosim.simulation.schedule import SCHEDULE, Process

WHEN = {"every step": (1, 0), "odd steps": (2, 1)}


def _odd_table() -> list[tuple[int, str, str, tuple[int, int]]]:
    """Rows of the ODD §3 process table: number, name, module.function, (every, phase)."""
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    section = text.split("## 3 Process overview and scheduling", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|([^|]+)\|([^|]+)\|([^|]+)\|", line)
        if not m:
            continue
        function = re.search(r"`([\w.]+)`", m.group(3)).group(1)
        when = [v for k, v in WHEN.items() if m.group(4).strip().startswith(k)]
        assert len(when) == 1, f"ODD §3 row {m.group(1)}: unknown 'when' {m.group(4)!r}"
        rows.append((int(m.group(1)), m.group(2).strip(), function, when[0]))
    return rows


def test_odd_process_table_matches_the_schedule() -> None:
    """Same processes, same order, same functions, same frequencies."""
    table = _odd_table()
    assert len(table) == len(SCHEDULE) == 14
    for (number, name, function, (every, phase)), p in zip(table, SCHEDULE, strict=True):
        assert (number, name, function) == (p.number, p.name, p.qualname)
        assert (every, phase) == (p.every, p.phase), p.name


def test_table_parser_sees_a_wrong_row(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Known answer for the check itself: a table naming another function fails."""
    doc = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8").replace(
        "`internships.place_interns`", "`internships.place_students`")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ODD.md").write_text(doc, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError):
        test_odd_process_table_matches_the_schedule()


def test_every_process_function_exists_and_is_documented() -> None:
    """Each entry names a real function with a docstring, in a module that says which
    seed-paper mechanism it models."""
    for p in SCHEDULE:
        fn = getattr(p.module, p.function)
        assert callable(fn) and fn.__doc__, p.qualname
        assert "Seed mechanism" in (p.module.__doc__ or "") or p.number == 14, p.qualname


def test_step_follows_a_changed_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    """step() walks the schedule it is given: a process run every fourth step runs only
    then (the schedule is data, not code in step())."""
    import ecosim.simulation.model as model_module

    calls: list[int] = []
    m = make_model()

    def count(model: object) -> None:
        calls.append(m.steps)

    probe = types.SimpleNamespace(tick=count)
    schedule = (*SCHEDULE, Process(14, "probe", probe, "tick", every=4, phase=0))
    monkeypatch.setattr(model_module, "SCHEDULE", schedule)
    m.run(9)
    assert calls == [4, 8]
