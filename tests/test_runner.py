"""ecosim.experiments.runner: files of one run are complete and readable like normal files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ecosim.experiments.runner import run_scenario
from ecosim.experiments.scenario import load_scenario


def test_run_files_follow_the_umask(tmp_path: Path) -> None:
    """Atomic writes must not leave results private (mkstemp makes 0600 files)."""
    old = os.umask(0o022)
    try:
        run_scenario(load_scenario("demo"), tmp_path, steps=2, progress=False)
    finally:
        os.umask(old)
    names = {"outcomes.parquet", "outcomes.csv", "sectors.parquet", "summary.json"}
    assert names <= {p.name for p in tmp_path.iterdir()}
    for name in names:
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o644, f"{name}: {oct(mode)}"
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
