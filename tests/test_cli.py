"""The ``ecosim`` command, run as a real process.

Bad input must end with exit status ≠ 0 and ONE stderr line ``ecosim: error: ...``
naming the file (or --set item), the field, the value and what is allowed — never a
traceback. A good run writes the tidy outputs, the summary with metadata and the plots.
Each issue error class, a full run and the listings run as real processes of the console
script; the other invocations call ``ecosim.cli.main`` in-process (an escaping exception
counts as a traceback), to keep the suite fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import mesa
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from support import SCENARIO_DIR

import ecosim
from ecosim import HEADLINE_OUTCOMES, LEVERS, OUTCOMES, UNCERTAINTIES
from ecosim.cli import main
from ecosim.experiments.runner import simulate
from ecosim.experiments.scenario import load_scenario
from ecosim.params import STRUCTURE

_SCRIPT = Path(sys.executable).parent / "ecosim"
ECOSIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "ecosim.cli"]

FILES = {
    "ok.toml": 'name = "ok"\ndescription = "tiny"\nsteps = 2\n'
               "[structure]\nn_schools = 4\nn_enterprises = 50\ncohort_size = 200\n",
    "unknown_key.toml": 'name = "x"\n[levers]\ninternship_subsidi = 3000\n',
    "wrong_type.toml": 'name = "x"\n[levers]\ninternship_subsidy = "lots"\n',
    "out_of_range.toml": 'name = "x"\n[levers]\nip_protection = 1.5\n',
    "broken.toml": 'name = "x"\n[levers\nip_protection = 0.5\n',
    "orphan.toml": 'name = "x"\nextends = "no_such_parent.toml"\n',
    "a_file": "not a folder\n",
}


@dataclass
class Result:
    """Outcome of one ecosim invocation."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


# id -> command-line arguments (run in a folder holding FILES)
CALLS: dict[str, list[str]] = {
    # bad input, one per error class of the issue
    "unknown_key": ["validate", "unknown_key.toml"],
    "wrong_type": ["validate", "wrong_type.toml"],
    "out_of_range": ["validate", "out_of_range.toml"],
    "missing_file": ["validate", "missing.toml"],
    "broken_toml": ["validate", "broken.toml"],
    "unknown_set": ["run", "ok.toml", "--set", "internship_subsidi=3000", "--out", "never"],
    # more bad input
    "run_unknown_key": ["run", "unknown_key.toml", "--out", "never"],
    "set_out_of_range": ["validate", "ok.toml", "--set", "ip_protection=2"],
    "set_wrong_type": ["validate", "ok.toml", "--set", "n_schools=many"],
    "set_odd_spinup": ["validate", "ok.toml", "--set", "spinup_steps=3"],
    "missing_parent": ["validate", "orphan.toml"],
    "misspelt_name": ["validate", "basline"],
    "non_utf8": ["validate", "latin1.toml"],
    "steps_zero": ["run", "ok.toml", "--steps", "0", "--out", "never"],
    "out_is_a_file": ["run", "ok.toml", "--no-plots", "--out", "a_file"],
    # good input
    "run_demo": ["run", "demo", "--steps", "4", "--out", "demo_out"],
    "run_with_set": ["run", "ok.toml", "--seed", "5", "--set", "internship_subsidy=3000",
                     "--no-plots", "--out", "set_out"],
    "validate_ok": ["validate", "baseline"],
    "scenarios": ["scenarios"],
    "levers": ["levers"],
    "levers_all": ["levers", "--all"],
    "outcomes_all": ["outcomes", "--all"],
    "version": ["--version"],
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with good and bad scenario files."""
    d = tmp_path_factory.mktemp("cli")
    for name, text in FILES.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / "latin1.toml").write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    return d


# Invocations that also run as separate processes (the console script end to end): one per
# error class of the issue, plus a full run and the listings.
AS_PROCESS = ("unknown_key", "wrong_type", "out_of_range", "missing_file", "broken_toml",
              "unknown_set", "run_demo", "scenarios", "levers")


def _in_process(args: list[str], cwd: Path) -> Result:
    """Call ecosim.cli.main in this process; an escaping exception counts as a traceback."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as e:  # argparse
                code = e.code if isinstance(e.code, int) else 1
            except Exception:  # noqa: BLE001 - what a user would see as a traceback
                err.write("Traceback (most recent call last):\n" + traceback.format_exc())
                code = 1
    finally:
        os.chdir(old)
    return Result(args, code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def cli(workdir: Path) -> dict[str, Result]:
    """Every invocation of CALLS; those in AS_PROCESS as real processes, a few at a time."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}

    def call(args: list[str]) -> Result:
        p = subprocess.run([*ECOSIM, *args], cwd=workdir, env=env, capture_output=True,
                           text=True, timeout=300)
        return Result(args, p.returncode, p.stdout, p.stderr)

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(call, CALLS[k]) for k in AS_PROCESS}
        results = {k: _in_process(v, workdir) for k, v in CALLS.items() if k not in AS_PROCESS}
        results.update({k: f.result() for k, f in futures.items()})
    return results


def _assert_one_line_error(r: Result, *fragments: str) -> str:
    assert r.returncode != 0, r
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{r.stderr}"
    line = lines[0]
    assert line.startswith("ecosim: error:"), line
    for frag in fragments:
        assert frag in line, (frag, line)
    return line


# ------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------
BAD = [
    ("unknown_key", ("unknown_key.toml", "[levers]", "internship_subsidi",
                     "did you mean 'internship_subsidy'", "allowed in [levers]")),
    ("wrong_type", ("wrong_type.toml", "internship_subsidy", "'lots'", "wrong type",
                    "expected a float in [0, 10_000]")),
    ("out_of_range", ("out_of_range.toml", "ip_protection", "1.5", "expected a float in [0, 1]")),
    ("missing_file", ("missing.toml", "not found", "shipped scenarios")),
    ("broken_toml", ("broken.toml", "not valid TOML", "line 2")),
    ("unknown_set", ("--set internship_subsidi=3000", "unknown parameter 'internship_subsidi'",
                     "did you mean 'internship_subsidy'")),
    ("run_unknown_key", ("unknown_key.toml", "internship_subsidi", "did you mean")),
    ("set_out_of_range", ("--set ip_protection=2", "ip_protection", "'2'", "[0, 1]")),
    ("set_wrong_type", ("--set n_schools=many", "n_schools", "'many'", "int in [1, 2000]")),
    ("set_odd_spinup", ("--set spinup_steps=3", "spinup_steps", "'3'",
                        "int multiple of 2 in [0, 400]")),
    ("missing_parent", ("orphan.toml", "extends", "no_such_parent.toml", "not found")),
    ("misspelt_name", ("basline", "did you mean 'baseline'")),
]


@pytest.mark.parametrize(("case", "fragments"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_clear_line(cli: dict[str, Result], workdir: Path, case: str,
                                     fragments: tuple[str, ...]) -> None:
    """Exit ≠ 0, one 'ecosim: error:' line naming file/field/value/allowed, no traceback."""
    _assert_one_line_error(cli[case], *fragments)
    assert not (workdir / "never").exists()  # a refused run writes nothing


def test_non_utf8_file_is_one_clear_line(cli: dict[str, Result]) -> None:
    """A file in the wrong encoding is bad input like any other."""
    _assert_one_line_error(cli["non_utf8"], "latin1.toml")


def test_bad_option_value_is_one_clear_line(cli: dict[str, Result]) -> None:
    """--steps 0 is refused on one line naming the option and the value."""
    _assert_one_line_error(cli["steps_zero"], "--steps", "'0'")


@pytest.mark.parametrize(("args", "fragments"), [
    (["sweep", "experiments/smoke_sweep.toml", "--workers", "0"],
     ("--workers", "'0'", "at least 1")),
    (["sweep", "experiments/smoke_sweep.toml", "--flush-every", "-1"],
     ("--flush-every", "'-1'", "> 0")),
    (["sensitivity", "experiments/ishigami_sobol.toml", "--workers", "two"],
     ("--workers", "'two'", "not an integer")),
    (["sensitivity", "experiments/ishigami_sobol.toml", "--conf-level", "1.2"],
     ("--conf-level", "'1.2'", "[0.5, 1)")),
], ids=["sweep_workers", "sweep_flush", "sensitivity_workers", "sensitivity_conf"])
def test_runner_options_are_checked_on_both_commands(args: list[str],
                                                     fragments: tuple[str, ...]) -> None:
    """sweep and sensitivity share their runner options: a bad value is one line naming
    the option, the value and what is allowed, and nothing runs."""
    r = _in_process(args, SCENARIO_DIR.parent)
    _assert_one_line_error(r, *fragments)
    assert r.stdout == ""


def test_out_that_is_a_file_is_one_clear_line(cli: dict[str, Result]) -> None:
    """--out pointing at a file (not a folder) is refused on one line naming it."""
    _assert_one_line_error(cli["out_is_a_file"], "a_file")


# ------------------------------------------------------------------------------------
# Good input
# ------------------------------------------------------------------------------------
def test_run_writes_outputs_summary_and_plots(cli: dict[str, Result], workdir: Path) -> None:
    """`ecosim run demo --steps 4 --out DIR` writes tables, summary.json and PNG plots."""
    r = cli["run_demo"]
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    out = workdir / "demo_out"
    for name in ("outcomes.parquet", "outcomes.csv", "sectors.parquet", "summary.json"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    pngs = sorted((out / "plots").glob("*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    s = json.loads((out / "summary.json").read_text())
    for key in ("scenario", "scenario_hash", "seed", "steps", "ecosim_version",
                "mesa_version", "final_year"):
        assert key in s, key
    sc = load_scenario("demo")
    assert s["scenario"] == "demo" and s["steps"] == 4 and s["seed"] == sc.seed
    assert s["scenario_hash"] == sc.content_hash
    assert s["mesa_version"] == mesa.__version__
    assert s["ecosim_version"] == ecosim.__version__
    assert set(s["final_year"]) == set(HEADLINE_OUTCOMES)
    df = pd.read_parquet(out / "outcomes.parquet")
    assert list(df.columns) == ["step", *OUTCOMES] and list(df["step"]) == [0, 1, 2, 3, 4]
    csv = pd.read_csv(out / "outcomes.csv")
    assert_frame_equal(csv, df, check_dtype=False)
    sectors = pd.read_parquet(out / "sectors.parquet")
    assert {"step", "sector", "frontier", "alignment"} <= set(sectors.columns)
    # the command line gives the same numbers as the library
    assert_frame_equal(df, simulate(sc, steps=4).outcomes, check_dtype=False)


def test_run_applies_seed_and_overrides(cli: dict[str, Result], workdir: Path) -> None:
    """--seed and --set reach the model and are recorded in summary.json."""
    r = cli["run_with_set"]
    assert r.returncode == 0, r.stderr
    s = json.loads((workdir / "set_out" / "summary.json").read_text())
    assert s["seed"] == 5 and s["steps"] == 2
    assert s["parameters"]["internship_subsidy"] == 3000.0
    assert s["parameters"]["n_schools"] == 4
    assert not (workdir / "set_out" / "plots").exists()  # --no-plots


def test_validate_reports_ok(cli: dict[str, Result]) -> None:
    """`ecosim validate baseline` succeeds and prints the scenario hash."""
    r = cli["validate_ok"]
    assert r.returncode == 0 and r.stderr == ""
    assert load_scenario("baseline").content_hash in r.stdout


def test_scenarios_lists_every_shipped_scenario(cli: dict[str, Result]) -> None:
    """`ecosim scenarios` names every file in scenarios/."""
    r = cli["scenarios"]
    assert r.returncode == 0
    names = {line.split()[0] for line in r.stdout.splitlines() if line.strip()}
    assert names >= {p.stem for p in SCENARIO_DIR.glob("*.toml")}


def test_levers_lists_every_lever_and_uncertainty(cli: dict[str, Result]) -> None:
    """`ecosim levers` lists all levers and uncertainties; --all adds structure."""
    r, r_all = cli["levers"], cli["levers_all"]
    assert r.returncode == 0 and r_all.returncode == 0
    words = set(r.stdout.split())
    assert set(LEVERS) | set(UNCERTAINTIES) <= words
    assert set(STRUCTURE) <= set(r_all.stdout.split())


def test_outcomes_lists_the_catalogue(cli: dict[str, Result]) -> None:
    """`ecosim outcomes --all` lists every declared outcome."""
    r = cli["outcomes_all"]
    assert r.returncode == 0
    assert set(OUTCOMES) <= set(r.stdout.split())


def test_version(cli: dict[str, Result]) -> None:
    """`ecosim --version` prints the package version."""
    r = cli["version"]
    assert r.returncode == 0 and ecosim.__version__ in r.stdout
