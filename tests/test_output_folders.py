"""Output folders: every bad ``--out`` is one line, and a failed write destroys nothing.

Issue 14 found raw ``PermissionError`` / ``NotADirectoryError`` / ``OSError "File name too
long"`` / ``ValueError "embedded null byte"`` tracebacks for bad ``--out`` targets in
``run``, ``compare``, ``sweep`` and ``sensitivity``, and a second ``ecosim run`` or
``ecosim compare`` whose plot could not be written left a mix of new and old files in a
folder that held a good result. Here each ``--out`` class is given to each of the four
commands, and a second run whose figures fail (the file system says "no space left") must
leave the first run's files byte-identical.

The commands are called in-process through ``ecosim.cli.main`` (an escaping exception
counts as a traceback), which is what lets the figure writer be made to fail.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT

from ecosim.cli import main

TINY = ('name = "tiny"\ndescription = "tiny"\nsteps = 2\n'
        "[structure]\nn_schools = 4\nn_enterprises = 50\ncohort_size = 200\nn_districts = 2\n"
        "spinup_steps = 0\n")
TINY_OTHER = TINY.replace('"tiny"', '"tiny_subsidy"', 1) + "[levers]\ninternship_subsidy = 3000\n"
SWEEP = ('name = "tiny_sweep"\nscenario = "tiny.toml"\nsteps = 2\nreplications = 1\nseed = 1\n'
         'outcomes = ["in_field_rate"]\n[design]\nmethod = "lhs"\nn = 2\n'
         "[factors.internship_subsidy]\nbounds = [0, 5000]\n")
SA = (ROOT / "experiments" / "ishigami_sobol.toml").read_text(encoding="utf-8").replace(
    "n = 1024", "n = 8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a tiny scenario, a second one, a tiny sweep and a tiny SA file."""
    d = tmp_path_factory.mktemp("out")
    (d / "tiny.toml").write_text(TINY, encoding="utf-8")
    (d / "tiny_subsidy.toml").write_text(TINY_OTHER, encoding="utf-8")
    (d / "tiny_sweep.toml").write_text(SWEEP, encoding="utf-8")
    (d / "tiny_sa.toml").write_text(SA, encoding="utf-8")
    (d / "a_file").write_text("not a folder\n", encoding="utf-8")
    return d


def _call(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """``ecosim ARGS`` in-process in ``cwd``: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except Exception:  # noqa: BLE001 - what a user would see as a traceback
                err.write("Traceback (most recent call last):\n" + traceback.format_exc())
                code = 1
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def _one_line(code: int, err: str, *fragments: str) -> str:
    assert code != 0
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ecosim: error:"), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


@contextlib.contextmanager
def _read_only_dir(base: Path) -> Iterator[Path]:
    """A folder nobody can write in: a read-only tmpfs as root (root ignores mode bits),
    a chmod 0o555 folder otherwise."""
    d = base / "read_only"
    d.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(d)],
                           capture_output=True, text=True, check=False)
        if p.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs as root: {p.stderr.strip()}")
        try:
            yield d
        finally:
            subprocess.run(["umount", str(d)], check=False)
    else:
        d.chmod(0o555)
        try:
            yield d
        finally:
            d.chmod(0o755)


COMMANDS = {
    "run": ["run", "tiny.toml", "--no-plots"],
    "compare": ["compare", "tiny.toml", "tiny_subsidy.toml", "-r", "2", "--workers", "1",
                "--no-plots"],
    "sweep": ["sweep", "tiny_sweep.toml", "--workers", "1"],
    "sensitivity": ["sensitivity", "tiny_sa.toml", "--workers", "1"],
}
TARGETS = {
    "existing_file": ("a_file", ("a_file", "not a folder")),
    "nul_byte": ("bad\0name", ("NUL byte",)),
    "name_too_long": ("x" * 300, ("longer than the file system allows",)),
    "file_as_parent": ("a_file/sub", ("a_file", "file, not a folder")),
    "empty": ("", ("empty folder name",)),
}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_out_is_one_line_and_runs_nothing(workdir: Path, command: str,
                                              target: str) -> None:
    """Each class of bad ``--out`` is refused on one line before anything runs."""
    out, fragments = TARGETS[target]
    before = sorted(p.name for p in workdir.iterdir())
    code, stdout, err = _call([*COMMANDS[command], "--out", out], workdir)
    _one_line(code, err, "--out", *fragments)
    assert sorted(p.name for p in workdir.iterdir()) == before  # nothing written


@pytest.mark.parametrize("command", list(COMMANDS))
def test_out_under_a_read_only_folder_is_one_line(workdir: Path, command: str) -> None:
    """A folder that cannot be written is named, with the reason, on one line."""
    with _read_only_dir(workdir) as ro:
        code, _, err = _call([*COMMANDS[command], "--out", str(ro / "res")], workdir)
        _one_line(code, err, "--out", str(ro / "res"))
        assert not (ro / "res").exists()


def test_out_under_a_missing_parent_is_created(workdir: Path) -> None:
    """Missing parent folders are not an error: they are created."""
    out = workdir / "new" / "deeper" / "res"
    code, _, err = _call([*COMMANDS["run"], "--out", str(out)], workdir)
    assert code == 0, err
    assert (out / "summary.json").is_file()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", ["run", "compare"])
def test_failed_second_write_leaves_the_first_result_byte_identical(
        workdir: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first good result; a second run (other seed, so other numbers) whose figures hit
    a full disk: one line, exit ≠ 0, and every file of the first result is unchanged,
    with no new file and no staging folder left beside it."""
    import matplotlib.figure

    args = [a for a in COMMANDS[command] if a != "--no-plots"]
    out = workdir / f"good_{command}"
    code, _, err = _call([*args, "--out", str(out)], workdir)
    assert code == 0, err
    first = _snapshot(out)
    assert any(name.endswith(".png") for name in first)  # the figures are part of it
    siblings = sorted(p.name for p in workdir.iterdir())

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", _no_space)
    code, _, err = _call([*args, "--seed", "7", "--out", str(out)], workdir)
    _one_line(code, err, str(out), "no space left")
    assert _snapshot(out) == first
    assert sorted(p.name for p in workdir.iterdir()) == siblings  # no stage left behind

    monkeypatch.undo()  # the disk has room again: the same command now replaces it whole
    code, _, err = _call([*args, "--seed", "7", "--out", str(out)], workdir)
    assert code == 0, err
    second = _snapshot(out)
    assert set(second) == set(first) and second != first
