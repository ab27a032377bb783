"""Fuzz of bad inputs to the ``ecosim`` command line (issue 14).

Every case is an input that is invalid by construction: a bad value for each declared
parameter in a scenario file and in ``--set``, bad top-level scenario keys, bad
experiment and sensitivity files, bad options and bad ``--out`` targets. Each is run
in-process through :func:`ecosim.cli.main` with a time limit and classified:

- ``clean``: exit status 2 (usage) or 1 and exactly one line on stderr, no traceback;
- ``accepted``: exit status 0 (an invalid input was taken);
- ``traceback``: an exception escaped, or stderr holds a traceback or several lines;
- ``hang``: still running after the time limit;
- ``leak``: one clean line, but it quotes content of a file that is not a scenario.

Usage::

    python experiments/fuzz_inputs.py            # all cases, counts per class
    python experiments/fuzz_inputs.py --show 20  # also print the first 20 failures

Nothing here touches the network; every file is written under a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = {"lever": "levers", "uncertainty": "uncertainties", "structure": "structure",
         "calibration": "calibration"}
FILE_VALUES = ["nan", "inf", "-inf", "1e400", str(2**70), "-1e308", "[1, 2]", "{ a = 1 }",
               '"many"', '""']
SET_VALUES = ["nan", "inf", "-inf", "1e400", str(10**30), "abc", "", "[1]", "1,2"]


@dataclass
class Case:
    """One bad input: the command line and the files it needs."""

    group: str
    argv: list[str]
    files: dict[str, str] = field(default_factory=dict)
    limit: float = 20.0
    forbid: tuple[str, ...] = ()  # text that must not appear in the message (leaks)


def _bad_for(p: object, values: list[str]) -> list[str]:
    """The values that are invalid for parameter ``p`` (a bool takes true/false)."""
    if p.type is bool:
        return [v for v in values if v not in ("true", "false")]
    if p.type is str:
        return [v for v in values if not v.startswith('"') or v == '""']
    return values


def parameter_cases() -> Iterator[Case]:
    """Every declared parameter with every bad value, in a file and in ``--set``."""
    from ecosim.params import PARAMETERS

    for p in PARAMETERS.values():
        for v in _bad_for(p, FILE_VALUES):
            text = f'name = "fz"\n[{TABLE[p.kind]}]\n{p.name} = {v}\n'
            yield Case("file parameter", ["validate", "{d}/fz.toml"], {"fz.toml": text})
        for v in _bad_for(p, SET_VALUES):
            yield Case("--set parameter", ["validate", "baseline", "--set", f"{p.name}={v}"])


def scenario_cases() -> Iterator[Case]:
    """Bad top-level keys, names, extends and file forms."""
    names = ['""', '"."', '".."', '"a/b"', '"/abs"', '"' + "n" * 300 + '"', "3", '"a\\u0000b"']
    for n in names:
        yield Case("scenario name", ["validate", "{d}/s.toml"], {"s.toml": f"name = {n}\n"})
        yield Case("scenario name", ["run", "{d}/s.toml", "--no-plots", "--steps", "1"],
                   {"s.toml": f"name = {n}\n[structure]\nn_schools = 2\n"})
    for k, v in [("steps", "0"), ("steps", "-1"), ("steps", "1001"), ("steps", "1e9"),
                 ("steps", '"x"'), ("steps", "nan"), ("seed", "-1"), ("seed", str(2**63)),
                 ("seed", '"x"'), ("seed", "1.5"), ("description", "[1]"),
                 ("unknown_key", "1")]:
        yield Case("scenario key", ["validate", "{d}/s.toml"], {"s.toml": f"{k} = {v}\n"})
    for ext in ['"/etc/passwd"', '"nosuch.toml"', '"p.txt"', '"s.toml"', '"' + "x" * 5000 + '"',
                '"bad.toml"', "[1]"]:
        yield Case("extends", ["validate", "{d}/s.toml"],
                   {"s.toml": f"extends = {ext}\n", "p.txt": "secret = 1\n",
                    "bad.toml": "secret line that is not toml\n"},
                   forbid=("secret", "root:"))
    deep = "a = " + "[" * 5000 + "]" * 5000 + "\n"
    yield Case("toml form", ["validate", "{d}/s.toml"], {"s.toml": deep})
    yield Case("toml form", ["validate", "{d}/s.toml"], {"s.toml": "x = {" * 3000})
    yield Case("toml form", ["validate", "{d}/s.toml"], {"s.toml": "\udcff"})
    yield Case("toml form", ["validate", "{d}/s.toml"], {"s.toml": "[levers\n"})
    yield Case("toml form", ["validate", "{d}/nosuch.toml"])
    yield Case("toml form", ["validate", "{d}/" + "y" * 300 + ".toml"])
    yield Case("toml form", ["validate", "{d}"])


SWEEP = ('name = "fz"\nscenario = "{scen}"\nsteps = 2\nreplications = 1\n'
         'outcomes = ["in_field_rate"]\n')


def experiment_cases() -> Iterator[Case]:
    """Bad experiment and sensitivity files, checked with --dry-run."""
    scen = str(ROOT / "scenarios" / "demo.toml")
    head = SWEEP.replace("{scen}", scen)
    factor_bad = ["bounds = [0, 1e400]", f"bounds = [0, {2**70}]", "bounds = [nan, 1]",
                  "bounds = [0, inf]", "bounds = [1, 0]", "bounds = [0]", "bounds = 3",
                  'bounds = ["a", "b"]', "values = []", "values = [nan]", "values = 1",
                  "values = [{ a = 1 }]", "bounds = [0, 1]\nlevels = 1e12"]
    designs = ['method = "grid"\nn = 1000000000', 'method = "grid"\nn = nan',
               'method = "lhs"\nn = 1e400', f'method = "lhs"\nn = {2**70}',
               'method = "lhs"\nn = -1', 'method = "nosuch"\nn = 10',
               'method = "sobol"\nn = 1099511627776', 'method = "lhs"\nn = "x"']
    for fb in factor_bad:
        for factor in ("internship_subsidy", "n_schools"):
            text = head + f'[design]\nmethod = "grid"\nn = 3\n[factors.{factor}]\n{fb}\n'
            yield Case("experiment factor", ["sweep", "{d}/e.toml", "--dry-run"],
                       {"e.toml": text})
    for dz in designs:
        text = head + f"[design]\n{dz}\n[factors.internship_subsidy]\nbounds = [0, 1]\n"
        yield Case("experiment design", ["sweep", "{d}/e.toml", "--dry-run"], {"e.toml": text})
        yield Case("sensitivity design", ["sensitivity", "{d}/e.toml", "--dry-run"],
                   {"e.toml": text})
    for k, v in [("replications", str(10**12)), ("replications", "nan"), ("steps", str(10**9)),
                 ("seed", str(2**64)), ("outcomes", '["nosuch"]'), ("outcomes", "[]"),
                 ("outcomes", '["in_field_rate", "in_field_rate"]'), ("scenario", '"/etc/passwd"'),
                 ("name", '"../x"'), ("model", '"os:system"')]:
        text = (f"{k} = {v}\n" + head.replace(f"{k} = ", f"_old_{k} = ")
                + '[design]\nmethod = "lhs"\nn = 4\n'
                + "[factors.internship_subsidy]\nbounds = [0, 1]\n")
        for cmd in ("sweep", "sensitivity"):
            yield Case("experiment key", [cmd, "{d}/e.toml", "--dry-run"], {"e.toml": text})


def option_cases() -> Iterator[Case]:
    """Bad command-line options and --out targets."""
    run = ["run", "demo", "--no-plots"]
    for opt, v in [("--seed", str(2**63)), ("--seed", "-1"), ("--seed", "x"),
                   ("--steps", str(10**9)), ("--steps", "0"), ("--steps", "nan")]:
        yield Case("run option", [*run, opt, v], limit=30)
    cmp = ["compare", "demo", "demo", "--steps", "2", "--out", "{d}/cmp"]
    for opt, v in [("-r", str(10**9)), ("-r", "0"), ("--outcomes", ","),
                   ("--outcomes", "in_field_rate,in_field_rate"), ("--outcomes", "nosuch"),
                   ("--seed", str(2**63)), ("--steps", str(10**9))]:
        yield Case("compare option", [*cmp, opt, v], limit=30)
    exp = str(ROOT / "experiments" / "smoke_sweep.toml")
    for v in ("nan", "inf", "-1", "0", "x"):
        yield Case("sweep option", ["sweep", exp, "--dry-run", "--flush-every", v])
    for v in ("0", "-1", "x"):
        yield Case("sweep option", ["sweep", exp, "--dry-run", "--workers", v])
    outs = ["", "{d}/afile", "{d}/afile/sub", "{d}/a\x00b", "{d}/" + "z" * 300,
            "/proc/version/x", "/proc/fz"]
    for o in outs:
        files = {"afile": "x"}
        yield Case("--out", ["run", "demo", "--no-plots", "--steps", "1", "--out", o], files)
        yield Case("--out", ["compare", "demo", "--steps", "1", "-r", "1", "--out", o], files)
        yield Case("--out", ["sweep", exp, "--out", o, "--workers", "1"], files, limit=60)
    for h in ("nosuch.invalid", "256.1.1.1", ""):
        yield Case("app option", ["app", "--host", h, "--port", "0"], limit=15)


def all_cases() -> list[Case]:
    """Every case, in a fixed order."""
    return [*parameter_cases(), *scenario_cases(), *experiment_cases(), *option_cases()]


class _CaseTimeoutError(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _CaseTimeoutError


def run_case(case: Case, tmp: Path) -> tuple[str, str]:
    """Run one case in-process; return its class and the stderr it printed."""
    from ecosim.cli import main as cli_main

    for name, text in case.files.items():
        (tmp / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    argv = [a.replace("{d}", str(tmp)) for a in case.argv]
    err, out = io.StringIO(), io.StringIO()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, case.limit)
    code: int | str | None
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = cli_main(argv)
            except SystemExit as e:
                code = e.code
    except _CaseTimeoutError:
        return "hang", err.getvalue()
    except BaseException as e:  # noqa: BLE001 - the point is to catch everything
        return "traceback", f"{type(e).__name__}: {e}"[:300]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    text = err.getvalue().strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if code == 0:
        return "accepted", text[:300]
    if "Traceback" in text or len(lines) != 1:
        return "traceback", text[-300:]
    if any(f in text for f in case.forbid):
        return "leak", text[:300]
    return "clean", text


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz and print counts per group and class."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0, help="print this many failures")
    ap.add_argument("--group", default="", help="only groups containing this text")
    args = ap.parse_args(argv)
    os.chdir(tempfile.mkdtemp(prefix="ecosim-fuzz-"))  # default outputs land here
    cases = [c for c in all_cases() if args.group in c.group]
    counts: Counter[tuple[str, str]] = Counter()
    failures: list[tuple[Case, str, str]] = []
    for i, case in enumerate(cases):
        with tempfile.TemporaryDirectory() as d:
            cls, msg = run_case(case, Path(d))
        counts[(case.group, cls)] += 1
        if cls != "clean":
            failures.append((case, cls, msg))
        if sys.stderr.isatty():
            print(f"\r{i + 1}/{len(cases)}", end="", file=sys.stderr)
    total = Counter(cls for (_, cls), n in counts.items() for _ in range(n))
    print(f"\n{len(cases)} cases: " + ", ".join(f"{k} {v}" for k, v in total.most_common()))
    for g in dict.fromkeys(c.group for c in cases):
        row = {cls: counts[(g, cls)] for cls in ("clean", "accepted", "traceback", "hang", "leak")}
        print(f"  {g:20s} " + "  ".join(f"{k} {v}" for k, v in row.items() if v))
    for case, cls, msg in failures[:args.show]:
        print(f"- [{cls}] {case.group}: {' '.join(case.argv)[:120]!r}\n    {msg[:200]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
