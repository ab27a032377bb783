"""ABC-SMC calibration (pyabc) of ecosim, or of a Python function, to observed targets.

:func:`run_calibration` fits the free parameters of a calibration file
(:mod:`~ecosim.calibration.spec`) by approximate Bayesian computation with sequential
Monte Carlo (Toni et al. 2009; Beaumont et al. 2009) as implemented by pyabc (Schälte
et al. 2022, JOSS 7:4304): each particle runs the scenario ``replications`` times and
averages the targets' outcomes; the distance is the Euclidean norm of the differences,
each divided by its target's uncertainty, so a particle at distance 1 misses by one
standard deviation overall. The threshold falls generation after generation (pyabc's
median epsilon).

Reproducible: candidates are seeded by position (:mod:`~ecosim.calibration.sampler`),
so the posterior is the same for any number of workers and after a resume. Resumable:
pyabc stores each finished generation in ``abc.db`` (SQLite); ``resume=True`` carries
on from the last one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CalibrationError
from ..experiments.sweep import ExecutorHandle, simulate_outcomes
from .sampler import OrderedSampler
from .spec import CalibrationSpec, Prior, load_calibration

__all__ = ["Simulator", "CalibrationResult", "run_calibration", "load_result",
           "load_calibration_result",
           "pyabc_prior", "STATE_FILE"]

STATE_FILE = "calibration.json"
DB_FILE = "abc.db"


def pyabc_prior(priors: tuple[Prior, ...]) -> Any:
    """The joint prior as a :class:`pyabc.Distribution` (independent marginals)."""
    import pyabc

    rvs = {}
    for p in priors:
        if p.distribution == "uniform":
            rvs[p.name] = pyabc.RV("uniform", p.low, p.high - p.low)
        else:
            a, b = (p.low - p.mean) / p.sd, (p.high - p.mean) / p.sd
            rvs[p.name] = pyabc.RV("truncnorm", a, b, p.mean, p.sd)
    return pyabc.Distribution(**rvs)


@dataclass(frozen=True)
class Simulator:
    """The model pyabc calls: parameters in, the targets' outputs out (picklable).

    Each call runs ``replications`` runs (ecosim, or the function ``model``) with seeds
    drawn from NumPy's global generator, which the sampler seeds per candidate, and
    returns the mean of each output over them (NaN outputs are skipped; all NaN gives
    NaN, which no threshold accepts).
    """

    base: dict[str, Any]
    steps: int
    replications: int
    outputs: tuple[str, ...]
    integers: tuple[str, ...] = ()
    model: str | None = None

    def params(self, pars: dict[str, float]) -> dict[str, Any]:
        """Model keyword arguments for a particle (integers rounded)."""
        free = {k: (int(round(v)) if k in self.integers else float(v)) for k, v in pars.items()}
        return {**self.base, **free}

    def run(self, pars: dict[str, float], seed: int) -> dict[str, float]:
        """The mean outputs over the replications, from seed ``seed`` on."""
        params = self.params(pars)
        rows = []
        for r in range(self.replications):
            if self.model:
                from ..sensitivity.models import call_model, resolve_model

                out = call_model(resolve_model(self.model), params, seed + r)
            else:
                out, _ = simulate_outcomes(params, seed + r, self.steps, self.outputs,
                                           series=False)
            rows.append([float(out.get(o, math.nan)) for o in self.outputs])
        arr = np.asarray(rows, dtype=float)
        ok = ~np.isnan(arr)  # nanmean without its all-NaN warning
        mean = np.where(ok.any(0), np.nansum(arr, 0) / np.maximum(ok.sum(0), 1), np.nan)
        return dict(zip(self.outputs, mean.tolist(), strict=True))

    def __call__(self, pars: dict[str, float]) -> dict[str, float]:
        return self.run(dict(pars), int(np.random.randint(0, 2**31 - 1)))


def simulator_for(spec: CalibrationSpec, outputs: tuple[str, ...] | None = None) -> Simulator:
    """The :class:`Simulator` of a calibration (``outputs``: default the targets')."""
    return Simulator(base=dict(spec.base_params), steps=spec.steps,
                     replications=spec.replications, outputs=outputs or spec.outcomes,
                     integers=tuple(p.name for p in spec.priors if p.integer),
                     model=spec.model)


@dataclass
class CalibrationResult:
    """A calibration's posterior and its history (read back from its folder).

    Attributes:
        spec: the calibration.
        path: its folder.
        particles: every generation's accepted particles (``generation``, parameters,
            ``weight``, ``distance``).
        generations: per generation: ``generation``, ``epsilon``, ``evaluations``,
            ``acceptance_rate``, ``seconds``.
        state: the contents of ``calibration.json``.
        predictive: posterior-predictive runs (``draw``, parameters, outputs), if run.
    """

    spec: CalibrationSpec
    path: Path
    particles: pd.DataFrame
    generations: pd.DataFrame
    state: dict[str, Any] = field(default_factory=dict)
    predictive: pd.DataFrame | None = None

    @property
    def complete(self) -> bool:
        """Whether the calibration ran to one of its stopping rules."""
        return self.state.get("status") == "complete"

    @property
    def posterior(self) -> pd.DataFrame:
        """The last generation: parameters, ``weight`` (sums to 1), ``distance``."""
        if self.particles.empty:
            return self.particles
        last = self.particles["generation"].max()
        return self.particles[self.particles["generation"] == last].reset_index(drop=True)

    def summary(self, level: float = 0.90) -> pd.DataFrame:
        """Per parameter: prior range, posterior weighted median and central interval."""
        from .stats import weighted_quantile

        post = self.posterior
        lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
        rows = []
        for p in self.spec.priors:
            x, w = post[p.name].to_numpy(float), post["weight"].to_numpy(float)
            q = weighted_quantile(x, w, [lo_q, 0.5, hi_q]) if len(x) else [math.nan] * 3
            mean = float(np.average(x, weights=w)) if len(x) else math.nan
            rows.append({"parameter": p.name, "prior": _prior_text(p), "prior_low": p.low,
                         "prior_high": p.high, "median": q[1], "mean": mean,
                         "low": q[0], "high": q[2],
                         "interval_share_of_prior": (q[2] - q[0]) / (p.high - p.low)})
        return pd.DataFrame(rows)

    def medians(self) -> dict[str, float]:
        """Posterior medians by parameter (integers rounded)."""
        s = self.summary()
        ints = {p.name for p in self.spec.priors if p.integer}
        return {r.parameter: (int(round(r.median)) if r.parameter in ints else float(r.median))
                for r in s.itertuples()}

    def draw(self, n: int, seed: int) -> pd.DataFrame:
        """``n`` parameter sets resampled from the posterior by weight."""
        post = self.posterior
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(post), size=n, replace=True, p=post["weight"].to_numpy(float))
        return post.iloc[idx][[p.name for p in self.spec.priors]].reset_index(drop=True)


def _prior_text(p: Prior) -> str:
    if p.distribution == "uniform":
        return f"uniform [{p.low:g}, {p.high:g}]"
    return f"normal({p.mean:g}, {p.sd:g}) on [{p.low:g}, {p.high:g}]"


def _fingerprint(spec: CalibrationSpec) -> str:
    if spec.model:
        from ..sensitivity.models import model_hash

        return model_hash(spec.model)
    from ..experiments.sweep import model_fingerprint

    return model_fingerprint()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from ..experiments.store import write_atomic

    blob = json.dumps(data, indent=2, default=str)
    write_atomic(path, lambda tmp: Path(tmp).write_text(blob))


def _prepare(spec: CalibrationSpec, out: Path, resume: bool) -> dict[str, Any]:
    """Check or create the folder; return the state to carry on from."""
    state_path = out / STATE_FILE
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fresh = {"name": spec.name, "spec_hash": spec.content_hash(),
             "model_fingerprint": _fingerprint(spec), "seed": spec.seed, "status": "running",
             "started": now, "sessions": 0, "runtime_s": 0.0,
             "file": str(spec.path) if spec.path else None}
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"--out {out}: exists and is not a folder; choose a folder")
    if state_path.is_file():
        old = json.loads(state_path.read_text())
        if not resume:
            raise CalibrationError(f"--out {out}: holds a calibration ({old.get('status')}); "
                                   "continue it with --resume, or choose another --out")
        for key, what in (("spec_hash", "calibration file"), ("model_fingerprint", "model code")):
            if old.get(key) != fresh[key]:
                raise CalibrationError(f"--out {out}: cannot resume: the {what} changed since "
                                       "it started; choose another --out")
        old["status"] = "running"
        return old
    if out.exists() and any(out.iterdir()):
        raise CalibrationError(f"--out {out}: exists and holds other files; choose an empty "
                               "or new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CalibrationError(f"--out {out}: cannot create the folder: {e.strerror or e}"
                               ) from None
    return fresh


@contextlib.contextmanager
def _quiet_pyabc():
    loggers = [logging.getLogger(n) for n in ("ABC", "ABC.Sampler", "ABC.History",
                                              "ABC.Distance", "ABC.Epsilon", "ABC.Acceptor",
                                              "ABC.Transition", "ABC.Predictor")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for lg, lv in zip(loggers, levels, strict=True):
            lg.setLevel(lv)


class _Progress:
    """One line per generation (a tqdm bar on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar, self.t = enabled, None, None

    def __call__(self, t: int, accepted: int, n: int, evaluated: int) -> None:
        if not self.enabled:
            return
        from tqdm.auto import tqdm

        if t != self.t:
            self.close()
            label = "prior sample" if t < 0 else f"generation {t}"
            self.bar, self.t = tqdm(total=n, desc=label, unit="particle", leave=True,
                                    file=sys.stderr), t
        self.bar.update(accepted - self.bar.n)
        self.bar.set_postfix_str(f"{evaluated} evaluated", refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _executor(workers: int | None, dask: str | None) -> ExecutorHandle | None:
    if dask is None and workers == 1:
        return None
    return ExecutorHandle(workers=workers, dask=dask)


def run_calibration(spec: CalibrationSpec | str | Path, out: str | Path | None = None, *,
                    workers: int | None = None, dask: str | None = None,
                    resume: bool = False, progress: bool | None = None,
                    allow_model: bool = False) -> CalibrationResult:
    """Fit a calibration file's priors to its targets by ABC-SMC; write its folder.

    Args:
        spec: a calibration file or a loaded :class:`CalibrationSpec`.
        out: folder (default ``results/calibration/<name>``).
        workers: processes (default: every CPU; 1 runs in this process).
        dask: ``"local"`` or a scheduler address (see ``ecosim sweep --dask``).
        resume: carry on a calibration already in ``out``.
        progress: progress bars (default: on a terminal).
        allow_model: run a ``model`` outside ecosim's test functions named in the file
            (such a file is code; see ``--allow-model``).

    Returns:
        The result; ``complete`` is False when interrupted (resume it).

    Raises:
        CalibrationError: a bad file or folder, one line.
    """
    import pyabc

    spec = (spec if isinstance(spec, CalibrationSpec)
            else load_calibration(spec, allow_model=allow_model))
    out = Path(out) if out is not None else Path("results") / "calibration" / spec.name
    state = _prepare(spec, out, resume)
    state["sessions"] = int(state.get("sessions", 0)) + 1
    _write_json(out / STATE_FILE, state)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(show)
    handle = _executor(workers, dask)
    t0 = time.perf_counter()
    from ..experiments.sweep import _sigterm_as_interrupt

    try:
        with _quiet_pyabc(), _sigterm_as_interrupt():
            sampler = OrderedSampler(handle.executor if handle else None,
                                     handle.capacity if handle else 1, spec.seed, bar)
            try:
                _run_abc(pyabc, spec, out, sampler)
            finally:  # evaluations run, including those past a generation's last particle
                state["evaluations_computed"] = (int(state.get("evaluations_computed", 0))
                                                 + sampler.computed_)
            bar.close()
            if spec.predictive_draws and not (out / "predictive.parquet").is_file():
                _predictive(spec, out, handle)
        state["status"] = "complete"
    except KeyboardInterrupt:
        state["status"] = "interrupted"
    except Exception as e:  # a model run or pyabc failed: keep what is done, say so
        import traceback

        state["status"], state["error"] = "failed", traceback.format_exc()
        raise CalibrationError(
            f"{out}: the calibration stopped: {type(e).__name__}: {e} (traceback in "
            f"{out / STATE_FILE}); finished generations are kept: --resume continues "
            "once the cause is fixed") from None
    finally:
        bar.close()
        state["runtime_s"] = float(state.get("runtime_s", 0.0)) + time.perf_counter() - t0
        state["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        if handle is not None:
            handle.close(terminate=state["status"] != "complete")
        _write_json(out / STATE_FILE, state)
    return load_result(out, spec)


def _run_abc(pyabc: Any, spec: CalibrationSpec, out: Path, sampler: Any) -> None:
    """Start or continue pyabc's run in ``out/abc.db``."""
    sim = simulator_for(spec)
    weights = {t.outcome: 1.0 / t.sd for t in spec.targets}
    observed = {t.outcome: t.observed for t in spec.targets}
    np.random.seed(spec.seed)  # pyabc's parent-side draws (none expected) are seeded too
    abc = pyabc.ABCSMC(sim, pyabc_prior(spec.priors),
                       pyabc.distance.PNormDistance(p=2, fixed_weights=weights),
                       population_size=spec.population_size, sampler=sampler)
    db = f"sqlite:///{(out / DB_FILE).resolve()}"
    done_t, done_sims = -1, 0
    if (out / DB_FILE).is_file():
        history = abc.load(db, 1)
        done_t = int(history.max_t)
        done_sims = int(history.total_nr_simulations)
    else:
        abc.new(db, observed)
    left = spec.generations - (done_t + 1)
    if left <= 0 or done_sims >= spec.max_simulations or _eps_reached(out, spec):
        return
    abc.run(minimum_epsilon=spec.min_epsilon, max_nr_populations=left,
            max_total_nr_simulations=spec.max_simulations - done_sims)


def _eps_reached(out: Path, spec: CalibrationSpec) -> bool:
    gens = _read_history(out, spec)[1]
    return bool(len(gens)) and float(gens["epsilon"].iloc[-1]) <= spec.min_epsilon


def _read_history(out: Path, spec: CalibrationSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Particles of every generation and the generation table, from ``abc.db``."""
    import pyabc

    names = [p.name for p in spec.priors]
    empty = (pd.DataFrame(columns=["generation", *names, "weight", "distance"]),
             pd.DataFrame(columns=["generation", "epsilon", "evaluations",
                                   "acceptance_rate", "seconds"]))
    if not (out / DB_FILE).is_file():
        return empty
    with _quiet_pyabc():
        h = pyabc.History(f"sqlite:///{(out / DB_FILE).resolve()}", create=False)
        h.id = 1
        if h.max_t is None or h.max_t < 0:
            return empty
        frames = []
        for t in range(int(h.max_t) + 1):
            pop = h.get_population(t=t)
            rows = [{"generation": t, **{n: float(pt.parameter[n]) for n in names},
                     "weight": float(pt.weight), "distance": float(pt.distance)}
                    for pt in pop.particles]
            df = pd.DataFrame(rows)
            df["weight"] = df["weight"] / df["weight"].sum()
            frames.append(df)
        pops = h.get_all_populations()
    pops = pops[pops["t"] >= 0].sort_values("t")
    particles = pd.concat(frames, ignore_index=True)
    n = particles.groupby("generation").size().reindex(pops["t"]).to_numpy()
    gens = pd.DataFrame({"generation": pops["t"].astype(int).to_numpy(),
                         "epsilon": pops["epsilon"].astype(float).to_numpy(),
                         "evaluations": pops["samples"].astype(int).to_numpy(),
                         "acceptance_rate": n / pops["samples"].clip(lower=1).to_numpy(),
                         "seconds": pops["wall_time"].astype(float).to_numpy()})
    return particles, gens


def _predictive(spec: CalibrationSpec, out: Path, handle: ExecutorHandle | None) -> None:
    """Posterior-predictive runs: ``predictive_draws`` particles resampled by weight,
    each run with a fresh seed, recording the targets' and the held-out targets'
    outcomes; written to ``predictive.parquet``."""
    from ..experiments.store import write_atomic

    res = load_result(out, spec)
    draws = res.draw(spec.predictive_draws, spec.seed + 1)
    sim = simulator_for(spec, spec.predictive_outcomes)
    seeds = [int(np.random.SeedSequence([spec.seed, 10**6, i]).generate_state(1)[0])
             for i in range(len(draws))]
    pars = [dict(r._asdict()) for r in draws.itertuples(index=False)]
    if handle is None:
        outs = [sim.run(p, s) for p, s in zip(pars, seeds, strict=True)]
    else:
        outs = list(handle.executor.map(sim.run, pars, seeds))
    df = pd.concat([draws, pd.DataFrame(outs)], axis=1)
    df.insert(0, "draw", range(len(df)))
    write_atomic(out / "predictive.parquet", lambda tmp: df.to_parquet(tmp, index=False))


def load_result(out: str | Path, spec: CalibrationSpec | None = None) -> CalibrationResult:
    """Read a calibration folder (``spec``: default the file recorded in it)."""
    out = Path(out)
    state_path = out / STATE_FILE
    if not state_path.is_file():
        raise CalibrationError(f"{out}: not a calibration folder (no {STATE_FILE})")
    state = json.loads(state_path.read_text())
    if spec is None:
        if not state.get("file") or not Path(state["file"]).is_file():
            raise CalibrationError(f"{out}: the calibration file {state.get('file')!r} is "
                                   "not available; pass the file")
        spec = load_calibration(state["file"], import_model=False)  # reading only
    particles, gens = _read_history(out, spec)
    pred = out / "predictive.parquet"
    return CalibrationResult(spec, out, particles, gens, state,
                             pd.read_parquet(pred) if pred.is_file() else None)



#: ``ecosim.load_calibration_result(folder)``: the public name of :func:`load_result`.
load_calibration_result = load_result
