"""Helpers for the compare/sweep tests: tiny scenario and experiment files, run hooks.

The run functions are module-level so that worker processes (forkserver / spawn) can
import them by name; they wrap the real :func:`ecosim.experiments.sweep.execute_run`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ecosim.experiments.sweep import RunTask, execute_run

ROOT = Path(__file__).resolve().parents[1]

TINY_SCENARIO = f"""
name = "tiny"
description = "test scale"
extends = "{(ROOT / 'scenarios' / 'baseline.toml').as_posix()}"
steps = 5
[structure]
n_schools = 6
n_enterprises = 80
cohort_size = 500
n_districts = 2
"""

# Subsidies above this make `fail_above_threshold` raise inside the worker.
FAIL_THRESHOLD = 3000.0


def write_tiny_scenario(folder: Path) -> Path:
    """Write ``tiny.toml`` (baseline at test scale) into ``folder``."""
    p = folder / "tiny.toml"
    p.write_text(TINY_SCENARIO)
    return p


def write_experiment(folder: Path, body: str, name: str = "exp.toml") -> Path:
    """Write an experiment file whose scenario is the tiny scenario beside it."""
    write_tiny_scenario(folder)
    p = folder / name
    p.write_text('scenario = "tiny.toml"\n' + body)
    return p


def fail_above_threshold(task: RunTask) -> dict[str, Any]:
    """Run the model, but raise for internship subsidies above FAIL_THRESHOLD."""
    if task.params["internship_subsidy"] > FAIL_THRESHOLD:
        return execute_run(RunTask(task.run_id, task.point_id, task.replication, task.seed,
                                   task.steps, {**task.params, "n_schools": "many"},
                                   task.outcomes, task.series))
    return execute_run(task)


def die_on_point_two(task: RunTask) -> dict[str, Any]:
    """Kill the worker process outright (like a segfault / OOM kill) on design point 2."""
    if task.point_id == 2:
        os._exit(3)
    return execute_run(task)
