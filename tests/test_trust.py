"""No code runs from data files: models named in experiment files, ``--analyse``,
``extends``; and the help texts that say so.

A foreign model here is a module written into ``tmp_path`` that leaves a marker file
when it is imported (``imported``) or called (``called``): a marker that exists means
code from a data file ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from experiment_support import ROOT

from ecosim.cli import main
from ecosim.errors import SensitivityError
from ecosim.experiments.design import METHODS
from ecosim.experiments.sweep import RunTask
from ecosim.sensitivity.loading import SA_METHODS, load_sa_experiment
from ecosim.sensitivity.models import FunctionRun
from ecosim.sensitivity.result import ANALYSES

MODULE = """
from pathlib import Path
HERE = Path({here!r})
(HERE / "imported").write_text("imported")


def f(x1, x2):
    (HERE / "called").write_text("called")
    return {{"y": x1 + 2 * x2}}
"""
EXPERIMENT = """model = "{module}:f"
seed = 3
[design]
method = "morris"
n = 4
[factors.x1]
bounds = [0, 1]
[factors.x2]
bounds = [0, 1]
"""
TRUST = "an experiment file naming a model is code; pass --allow-model if you trust it"


def _foreign(folder: Path, module: str = "trust_probe") -> Path:
    """Write the marker-leaving module and an experiment file naming it."""
    (folder / f"{module}.py").write_text(MODULE.format(here=str(folder)))
    exp = folder / "foreign.toml"
    exp.write_text(EXPERIMENT.format(module=module))
    return exp


def _ecosim(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``ecosim ARGS`` in a fresh process that could import the module in ``folder``."""
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT / "src")])}
    return subprocess.run([sys.executable, "-m", "ecosim.cli", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def _ran(folder: Path) -> list[str]:
    return [m for m in ("imported", "called") if (folder / m).exists()]


def _one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("ecosim: error: ") and proc.stderr.count("\n") == 1, \
        proc.stderr
    return proc.stderr


# ----------------------------------------------------------------------------------
# (a) a dry run runs no model code; (b) a foreign model needs --allow-model
# ----------------------------------------------------------------------------------
@pytest.mark.parametrize("allow", [False, True])
def test_dry_run_imports_and_calls_no_model(tmp_path: Path, allow: bool) -> None:
    exp = _foreign(tmp_path)
    proc = _ecosim(tmp_path, "sensitivity", str(exp), "--dry-run",
                   *(["--allow-model"] if allow else []))
    assert proc.returncode == 0, proc.stderr
    assert _ran(tmp_path) == []
    assert "12 runs" in proc.stdout and "known at run time" in proc.stdout
    assert ("--allow-model" in proc.stdout) is not allow  # the run would refuse it


def test_foreign_model_is_refused_in_one_line_without_import(tmp_path: Path) -> None:
    exp = _foreign(tmp_path)
    err = _one_line(_ecosim(tmp_path, "sensitivity", str(exp), "--out", "o"))
    assert str(exp) in err and "trust_probe:f" in err and TRUST in err
    err = _one_line(_ecosim(tmp_path, "sweep", str(exp), "--out", "s"))  # sweeps run ecosim
    assert str(exp) in err and "'model'" in err
    assert _ran(tmp_path) == [] and not (tmp_path / "o").exists()
    assert not (tmp_path / "s").exists()


def test_python_api_refuses_a_file_model_unless_allowed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exp = _foreign(tmp_path, "trust_probe_api")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SensitivityError, match="naming a model is code"):
        load_sa_experiment(exp)
    assert _ran(tmp_path) == [] and "trust_probe_api" not in sys.modules
    # a worker handed a model the parent did not allow does not import it either
    task = RunTask(0, 0, 0, 1, 1, {"x1": 0.5, "x2": 0.5}, ("y",), False)
    res = FunctionRun("trust_probe_api:f")(task)
    assert res["status"] != "ok" and "naming a model is code" in res["error"]
    assert _ran(tmp_path) == [] and "trust_probe_api" not in sys.modules
    # allowed explicitly: imported (outcomes discovered by one call) and it runs
    loaded = load_sa_experiment(exp, allow_model=True)
    assert loaded.outcomes == ("y",) and _ran(tmp_path) == ["imported", "called"]
    assert FunctionRun("trust_probe_api:f", allowed=True)(task)["outcomes"] == {"y": 1.5}
    assert load_sa_experiment(exp, model="trust_probe_api:f").model == "trust_probe_api:f"


# ----------------------------------------------------------------------------------
# (b) with --allow-model it runs; (c) --analyse afterwards imports nothing
# ----------------------------------------------------------------------------------
def test_allowed_run_then_analyse_imports_nothing(tmp_path: Path) -> None:
    exp = _foreign(tmp_path)
    proc = _ecosim(tmp_path, "sensitivity", str(exp), "--out", "o", "--allow-model",
                   "--workers", "1", "--no-progress", "--no-plots")
    assert proc.returncode == 0, proc.stderr
    assert _ran(tmp_path) == ["imported", "called"]
    meta = json.loads((tmp_path / "o" / "sa.json").read_text())
    assert meta["model"] == "trust_probe:f" and meta["deterministic"] is True
    before = (tmp_path / "o" / "indices.csv").read_text()
    # the module is then altered (importing it would leave a marker) ...
    for m in _ran(tmp_path):
        (tmp_path / m).unlink()
    shutil.rmtree(tmp_path / "__pycache__", ignore_errors=True)
    (tmp_path / "trust_probe.py").write_text(
        f"open({str(tmp_path / 'imported')!r}, 'w').write('x')\nraise SystemExit(7)\n")
    proc = _ecosim(tmp_path, "sensitivity", "--analyse", "o", "--no-plots")
    assert proc.returncode == 0, proc.stderr
    assert _ran(tmp_path) == []
    assert (tmp_path / "o" / "indices.csv").read_text() == before
    # ... or deleted
    (tmp_path / "trust_probe.py").unlink()
    proc = _ecosim(tmp_path, "sensitivity", "--analyse", "o", "--no-plots")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "o" / "sa.json").read_text())["deterministic"] is True
    err = _one_line(_ecosim(tmp_path, "sensitivity", "--analyse", "o", "--allow-model"))
    assert "--allow-model runs a model" in err


# ----------------------------------------------------------------------------------
# (d) extends / scenario references: .toml only, no foreign content in messages
# ----------------------------------------------------------------------------------
SECRET = "hunter2-secret"


def _validate(path: Path, capsys: pytest.CaptureFixture) -> str:
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecosim: error: ") and err.count("\n") == 1, err
    assert SECRET not in err and "root:" not in err, err
    return err


def test_extends_only_toml_and_no_echo(tmp_path: Path, capsys: pytest.CaptureFixture
                                       ) -> None:
    (tmp_path / "notes.txt").write_text(f'name = "x"\nsecret = "{SECRET}"\n')
    (tmp_path / "broken.toml").write_text(f"a = 1\nroot:x:0:0 {SECRET}\n")
    (tmp_path / "other.toml").write_text(f'token = "{SECRET}"\n')  # TOML, not a scenario
    for parent, expect in [("/etc/passwd", "ending in .toml"),
                           ("notes.txt", "ending in .toml"),
                           ("broken.toml", "not valid TOML (at line 2"),
                           ("other.toml", "unknown top-level key 'token'")]:
        child = tmp_path / "child.toml"
        child.write_text(f'extends = "{parent}"\n')
        err = _validate(child, capsys)
        assert expect in err, err
        if parent == "broken.toml":
            assert str(tmp_path / "broken.toml") in err and str(child) in err


def test_experiment_scenario_reference_is_toml_only(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    exp = tmp_path / "e.toml"
    exp.write_text('scenario = "/etc/passwd"\n[design]\nmethod = "grid"\n'
                   "[factors.internship_subsidy]\nvalues = [0, 1000]\n")
    assert main(["sweep", str(exp), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ending in .toml" in err and "root:" not in err, err


# ----------------------------------------------------------------------------------
# (e) help texts
# ----------------------------------------------------------------------------------
def _help(capsys: pytest.CaptureFixture, *cmd: str) -> str:
    with pytest.raises(SystemExit):
        main([*cmd, "--help"])
    return capsys.readouterr().out


def test_help_names_the_docs_an_example_and_every_method(capsys: pytest.CaptureFixture
                                                         ) -> None:
    sweep = _help(capsys, "sweep")
    assert "docs/experiments.md" in sweep and "ecosim sweep experiments/" in sweep
    assert all(m in sweep for m in METHODS)
    sa = _help(capsys, "sensitivity")
    assert "docs/sensitivity.md" in sa and "ecosim sensitivity experiments/" in sa
    assert "--allow-model" in sa and "is code" in sa
    described = sa.split("positional arguments")[0]
    assert all(m in described for m in [*SA_METHODS, *ANALYSES]), described
    validate = _help(capsys, "validate")
    assert "scenario file (.toml) or shipped name" in validate


def test_calibration_file_model_needs_allow_model(tmp_path: Path) -> None:
    """A calibration file naming a model outside ecosim is refused in one line and
    imports nothing; a dry run imports nothing either; --allow-model loads it."""
    from ecosim.calibration.spec import load_calibration
    from ecosim.errors import CalibrationError

    marker = tmp_path / "imported"
    (tmp_path / "calmod.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\n"
        "def f(theta, seed=0):\n    return {'y': theta}\n", encoding="utf-8")
    cal = tmp_path / "cal.toml"
    cal.write_text('name = "c"\nmodel = "calmod:f"\n[[target]]\nid = "t"\noutcome = "y"\n'
                   'observed = 0.5\nsd = 0.1\nsource = "test"\n'
                   "[priors.theta]\nlow = 0\nhigh = 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    for extra, code in (([], 2), (["--dry-run"], 0)):
        r = subprocess.run([sys.executable, "-m", "ecosim.cli", "calibrate", str(cal), *extra,
                            "--out", str(tmp_path / "out")], capture_output=True, text=True,
                           env=env, timeout=120)
        assert r.returncode == code, r.stderr
        assert not marker.exists() and "Traceback" not in r.stderr
    assert "--allow-model" in r.stdout
    with pytest.raises(CalibrationError, match="allow-model"):
        load_calibration(cal)
    sys.path.insert(0, str(tmp_path))
    try:
        assert load_calibration(cal, allow_model=True).model == "calmod:f"
        assert marker.exists()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("calmod", None)
