"""The durable sweep runner: many runs through any ``concurrent.futures.Executor``.

``run_sweep`` turns an experiment (:mod:`ecosim.experiments.design`) into a plan of runs, executes
them on a process pool (default), a Dask cluster (``dask="local"`` or an address) or any
executor you pass, and streams small per-run summaries to Parquet part files in a
sweep directory (:mod:`ecosim.experiments.store`). It is built to be reused by a sensitivity
analysis: the sample design, the runner and the results table are the same.

Guarantees:

* **Same results whatever the executor** — a run's seed comes from the experiment seed
  and the run id (:func:`ecosim.experiments.design.run_seed`), never from completion order, and a
  run only depends on its task.
* **Durable** — results are written as they finish (atomic part files); the parent
  holds at most one buffer of summaries. A killed sweep resumes with
  ``resume=True``: finished runs are skipped, unfinished ones redone.
* **Nothing silently dropped** — a run that raises is recorded with its traceback
  (``status = "failed"``) and the sweep goes on; a worker process that dies is replaced
  and the runs it held are retried one at a time, so the run that kills workers is
  found and recorded as failed.
* **Flat memory** — Mesa 3.3.1 never frees finished models (``Agent._ids`` keeps them),
  so each run releases its model explicitly and process-pool workers are also
  recycled every ``max_tasks_per_child`` runs.
* **Interleaved order** — replication 0 of every point first, points in bit-reversed
  order, so a partial sweep already covers the design space.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import socket
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..params import PARAMETERS
from .design import (
    Experiment,
    build_plan,
    load_experiment,
    point_params,
    salib_problem,
    sample_design,
)
from .horizons import policy_start_year
from .output import check_out, writing
from .runner import final_year_summary, versions
from .store import (
    STATUS_FAILED,
    STATUS_OK,
    STATUS_PENDING,
    SweepDirError,
    SweepStore,
    build_manifest,
    write_atomic,
)

__all__ = [
    "RunTask",
    "SweepReport",
    "ExecutorHandle",
    "execute_run",
    "simulate_outcomes",
    "release_model",
    "run_sweep",
    "sweep_dir",
    "model_fingerprint",
    "DEFAULT_MAX_TASKS_PER_CHILD",
]

DEFAULT_MAX_TASKS_PER_CHILD = 200
DEFAULT_FLUSH_SECONDS = 5.0
DEFAULT_FLUSH_RUNS = 200
MANIFEST_SECONDS = 10.0


# ----------------------------------------------------------------------------------
# What a worker does
# ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunTask:
    """Everything one run needs (small and picklable).

    Attributes:
        run_id: id of the run in the plan.
        point_id: design point.
        replication: replication index.
        seed: the run's seed.
        steps: semesters to run.
        params: model keyword arguments (base scenario + factor values).
        outcomes: outcomes to summarise.
        series: whether to return per-step series of the outcomes.
    """

    run_id: int
    point_id: int
    replication: int
    seed: int
    steps: int
    params: dict[str, Any]
    outcomes: tuple[str, ...]
    series: bool = True


def release_model(model: Any) -> None:
    """Let a finished Mesa 3.3.1 model be freed (it keeps models in ``Agent._ids``)."""
    import mesa

    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def simulate_outcomes(params: dict[str, Any], seed: int, steps: int,
                      outcomes: tuple[str, ...], series: bool = True
                      ) -> tuple[dict[str, float], dict[str, list[float]] | None]:
    """Run the model once; return final-year means and (optionally) per-step series.

    The final-year mean is the one ``ecosim run`` reports
    (:func:`ecosim.experiments.runner.final_year_summary`). The model is released afterwards.
    """
    from ..simulation.model import EcosystemModel

    model = EcosystemModel(seed=int(seed), **params)
    try:
        for _ in range(int(steps)):
            model.step()
        # The collected per-step values, read without building a DataFrame (a few ms
        # per run that a sweep of thousands of runs need not spend).
        values = {o: model.datacollector.model_vars[o] for o in outcomes}
    finally:
        release_model(model)
        del model
    final = {k: (float("nan") if v is None else float(v))
             for k, v in final_year_summary(values, tuple(outcomes)).items()}
    ser = None
    if series:
        n_rows = len(values[outcomes[0]]) if outcomes else 0
        ser = {"step": list(range(n_rows))}
        for o in outcomes:
            ser[o] = [float(v) for v in values[o]]
    return final, ser


_WORKER_READY = False


def _prepare_worker() -> None:
    """Once per worker process: freeze the import-time heap so per-run GC is cheap."""
    global _WORKER_READY
    if _WORKER_READY:
        return
    _WORKER_READY = True
    if multiprocessing.parent_process() is not None:  # never freeze a user's session
        gc.collect()
        gc.freeze()


def _init_pool_worker(parent_pid: int | None = None) -> None:
    """Process-pool initializer: leave Ctrl-C to the parent, exit if the parent dies.

    A pool worker blocks on its task queue forever when the sweep process is killed
    (SIGKILL, out of memory): a watchdog thread ends the worker then, which in turn lets
    the forkserver exit. No orphan processes are left behind.
    """
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                         name="ecosim-parent-watchdog").start()
    _prepare_worker()


def _watch_parent(parent_pid: int, interval: float = 1.0) -> None:
    """Exit this worker process as soon as ``parent_pid`` is gone."""
    try:
        import psutil

        alive = psutil.pid_exists
    except ImportError:  # pragma: no cover - psutil comes with dask[distributed]
        def alive(pid: int) -> bool:
            return os.getppid() != 1
    while alive(parent_pid):
        time.sleep(interval)
    os._exit(1)


def _worker_rss_mb() -> float:
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / 2**20
    except Exception:  # pragma: no cover - psutil missing
        return float("nan")


def execute_run(task: RunTask) -> dict[str, Any]:
    """Run one task in a worker and return its small summary (never raises).

    A run that raises returns ``status = "failed"`` with the traceback.
    """
    _prepare_worker()
    t0 = time.perf_counter()
    final: dict[str, float] = {}
    ser = None
    error = None
    try:
        final, ser = simulate_outcomes(task.params, task.seed, task.steps, task.outcomes,
                                       task.series)
        status = STATUS_OK
    except Exception:
        status, error = STATUS_FAILED, traceback.format_exc()
    gc.collect()
    return {"run_id": task.run_id, "status": status, "outcomes": final, "series": ser,
            "error": error, "runtime_s": time.perf_counter() - t0,
            "worker": f"{socket.gethostname()}:{os.getpid()}",
            "worker_rss_mb": _worker_rss_mb()}


# ----------------------------------------------------------------------------------
# Executors
# ----------------------------------------------------------------------------------
def _mp_context(start_method: str | None) -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # Workers fork from a server that has already imported the model: fast starts,
        # so recycling workers is cheap, and nothing of the parent's state is inherited.
        ctx.set_forkserver_preload(["ecosim.experiments.sweep"])
    return ctx


class ExecutorHandle:
    """An executor plus what is needed to restart and close it.

    Args:
        workers: processes (default: CPU count). For ``dask="local"``, cluster workers.
        dask: ``None`` (process pool), ``"local"`` (a LocalCluster on 127.0.0.1) or a
            scheduler address such as ``tcp://127.0.0.1:8786``.
        executor: use this executor instead (not restarted or closed here).
        max_tasks_per_child: recycle process-pool workers after this many runs.
        start_method: multiprocessing start method (default forkserver, else spawn).
    """

    def __init__(self, workers: int | None = None, dask: str | None = None,
                 executor: Executor | None = None,
                 max_tasks_per_child: int | None = DEFAULT_MAX_TASKS_PER_CHILD,
                 start_method: str | None = None) -> None:
        self.workers = int(workers or os.cpu_count() or 1)
        self.dask = dask
        self.max_tasks_per_child = max_tasks_per_child
        self.start_method = start_method
        self._own = executor is None
        self._client: Any = None
        self._cluster: Any = None
        self.executor: Any = None
        if executor is not None:
            self.executor = executor
            self.description = f"{type(executor).__name__} (given)"
            self.capacity = self.workers
        elif dask:
            self._start_dask(dask)
        else:
            self._start_pool()

    def _start_pool(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        ctx = _mp_context(self.start_method)
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_pool_worker,
            initargs=(os.getpid(),), max_tasks_per_child=self.max_tasks_per_child)
        self.capacity = self.workers
        self.description = (f"process pool: {self.workers} workers ({ctx.get_start_method()}, "
                            f"recycled every {self.max_tasks_per_child} runs)")

    def _start_dask(self, dask: str) -> None:
        import logging

        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - dask is a dependency
            raise SweepDirError(f"--dask {dask}: dask.distributed is not installed ({e}); "
                                "pip install 'dask[distributed]'") from None
        if dask != "local" and "://" not in dask and ":" not in dask:
            raise SweepDirError(f"--dask {dask!r}: expected 'local' or a scheduler address "
                                "such as tcp://127.0.0.1:8786")
        try:
            self._connect_dask(dask, Client, LocalCluster, logging.ERROR)
        except SweepDirError:
            raise
        except Exception as e:
            self.close()
            raise SweepDirError(f"--dask {dask}: cannot start or reach the Dask scheduler: "
                                f"{type(e).__name__}: {e}") from None

    def _connect_dask(self, dask: str, Client: Any, LocalCluster: Any, log_level: int) -> None:
        if dask == "local":
            self._cluster = LocalCluster(
                host="127.0.0.1", n_workers=self.workers, threads_per_worker=1,
                processes=True, dashboard_address=None, silence_logs=log_level)
            self._client = Client(self._cluster)
            where = f"LocalCluster on 127.0.0.1, {self.workers} workers"
        else:
            self._client = Client(dask, timeout="20s")
            where = f"Dask scheduler {dask}"
        info = self._client.scheduler_info()
        threads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        self.capacity = max(1, threads)
        self.executor = self._client.get_executor(pure=False)
        self.description = f"dask: {where} ({self.capacity} threads)"

    @property
    def restartable(self) -> bool:
        """Whether a broken executor can be replaced (own process pools only)."""
        return self._own and not self.dask

    def restart(self) -> None:
        """Replace a broken process pool."""
        self.close(terminate=True)
        self._start_pool()

    def close(self, terminate: bool = False) -> None:
        """Shut the executor down; ``terminate`` also ends running worker processes."""
        if not self._own:
            return
        if terminate and self.executor is not None:
            for proc in list(getattr(self.executor, "_processes", {}).values() or []):
                with contextlib.suppress(Exception):
                    proc.terminate()
        if self.executor is not None:
            with contextlib.suppress(Exception):
                self.executor.shutdown(wait=not terminate, cancel_futures=True)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
            self._cluster = None


# ----------------------------------------------------------------------------------
# The sweep
# ----------------------------------------------------------------------------------
@dataclass
class SweepReport:
    """What a sweep session did.

    Attributes:
        path: the sweep directory.
        n_runs: planned runs.
        ok: finished runs with results (all sessions).
        failed: runs recorded as failed (all sessions).
        pending: runs still to do.
        ran: runs finished in this session.
        skipped: runs already finished before this session.
        elapsed_s: wall time of this session.
        executor: description of the executor.
        interrupted: whether the session was stopped early (Ctrl-C / SIGTERM).
    """

    path: Path
    n_runs: int
    ok: int
    failed: int
    pending: int
    ran: int
    skipped: int
    elapsed_s: float
    executor: str
    interrupted: bool = False
    started: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def runs_per_second(self) -> float:
        """Runs finished in this session per second of wall time."""
        return self.ran / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def text(self) -> str:
        """One-paragraph report."""
        state = "interrupted" if self.interrupted else (
            "finished" if not self.pending else "stopped")
        lines = [f"sweep {state}: {self.ok} ok, {self.failed} failed, {self.pending} pending "
                 f"of {self.n_runs} runs ({self.ran} run now in {self.elapsed_s:.1f} s, "
                 f"{self.runs_per_second:.2f} runs/s; {self.skipped} already done)",
                 f"executor: {self.executor}",
                 f"results: {self.path}  (ecosim results {self.path})"]
        if self.failed:
            lines.append(f"{self.failed} runs FAILED: their parameters, seeds and tracebacks "
                         f"are in {self.path}/errors.log and manifest.parquet")
        return "\n".join(lines)


def model_fingerprint() -> str:
    """SHA-256 (16 hex digits) of the source of the model: every ``.py`` file of the
    :mod:`ecosim.simulation` package (subpackages included) and :mod:`ecosim.params`.

    Stored in a sweep's metadata: resuming with different model code would mix the
    results of two models, so ``run_sweep`` refuses it. Files are read from disk (no
    import), in the order of their path relative to the ``ecosim`` package, and each
    path is hashed with its content, so a new, moved or renamed process module changes
    the fingerprint too.
    """
    import hashlib

    root = Path(__file__).resolve().parents[1]  # the ecosim package
    files = [*(root / "simulation").rglob("*.py"), root / "params.py"]
    h = hashlib.sha256()
    for rel in sorted(f.relative_to(root).as_posix() for f in files):
        h.update(rel.encode())
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:16]


def sweep_dir(exp: Experiment) -> Path:
    """Default output directory of an experiment: ``results/sweeps/<name>``."""
    return Path("results") / "sweeps" / exp.name


def _base_hash(exp: Experiment) -> str:
    import hashlib
    import json

    blob = json.dumps({"params": exp.base_params(), "steps": exp.steps}, sort_keys=True,
                      default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _native(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _arrow_type(name: str, typ: type | None = None) -> pa.DataType:
    t = typ if typ is not None else PARAMETERS[name].type
    return {bool: pa.bool_(), int: pa.int64(), str: pa.string()}.get(t, pa.float64())


class _Writer:
    """Buffers finished runs and writes them as part files; keeps status by run id."""

    def __init__(self, store: SweepStore, exp: Experiment, plan: pd.DataFrame,
                 flush_seconds: float, flush_runs: int) -> None:
        self.store, self.exp = store, exp
        self.plan = plan
        self.index = pd.Series(np.arange(len(plan)), index=plan["run_id"].to_numpy())
        self.status = np.full(len(plan), STATUS_PENDING, dtype=object)
        self.part = np.full(len(plan), -1, dtype=np.int64)
        self.errors: dict[int, str] = {}
        self.failed_seen = 0
        self.buffer: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.seq = store.next_seq()
        self.flush_seconds, self.flush_runs = flush_seconds, flush_runs
        self.last_flush = self.last_manifest = time.monotonic()
        fields = [("run_id", pa.int64()), ("point_id", pa.int64()),
                  ("replication", pa.int64()), ("seed", pa.int64()), ("status", pa.string())]
        # the factor's own declaration (also for inputs of a --model function)
        fields += [(f.name, _arrow_type(f.name, f.parameter.type)) for f in exp.factors]
        fields += [(o, pa.float64()) for o in exp.outcomes]
        fields += [("runtime_s", pa.float64()), ("worker", pa.string()),
                   ("worker_rss_mb", pa.float64()), ("error", pa.string()),
                   ("finished_at", pa.string())]
        meta = {b"ecosim.experiment": exp.name.encode(),
                b"ecosim.file_hash": exp.file_hash.encode()}
        self.schema = pa.schema(fields, metadata=meta)
        self.series_schema = pa.schema([("run_id", pa.int64()), ("step", pa.int64())]
                                       + [(o, pa.float64()) for o in exp.outcomes],
                                       metadata=meta)

    def load_existing(self) -> None:
        fin = self.store.finished()
        if len(fin):
            pos = self.index.reindex(fin["run_id"].to_numpy()).to_numpy()
            good = ~np.isnan(pos.astype(float))
            pos = pos[good].astype(np.int64)
            self.status[pos] = fin["status"].to_numpy()[good]
            self.part[pos] = fin["part"].to_numpy()[good]
            st = self.store._status_frame()
            for rid, err in zip(st["run_id"], st["error"], strict=True):
                if isinstance(err, str) and err:
                    self.errors[int(rid)] = err

    def add(self, task: RunTask, result: dict[str, Any]) -> None:
        row = self.plan.iloc[int(self.index[task.run_id])]
        self.buffer.append((result, {f: _native(row[f]) for f in self.exp.factor_names}))
        if result["status"] == STATUS_FAILED:
            self.errors[task.run_id] = result["error"] or ""
            with open(self.store.path / "errors.log", "a", encoding="utf-8") as fh:
                fh.write(f"=== run {task.run_id} (point {task.point_id}, replication "
                         f"{task.replication}, seed {task.seed}) "
                         f"{datetime.now(UTC).isoformat(timespec='seconds')}\n")
                params = {f: _native(row[f]) for f in self.exp.factor_names}
                fh.write(f"factors: {params}\n{result['error']}\n")

    def maybe_flush(self) -> None:
        if self.buffer and (len(self.buffer) >= self.flush_runs
                            or time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()

    def flush(self, manifest: bool = False) -> None:
        if self.buffer:
            cols: dict[str, list[Any]] = {f.name: [] for f in self.schema}
            ser: dict[str, list[Any]] = {f.name: [] for f in self.series_schema}
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for res, factors in self.buffer:
                rid = int(res["run_id"])
                prow = self.plan.iloc[int(self.index[rid])]
                cols["run_id"].append(rid)
                cols["point_id"].append(int(prow["point_id"]))
                cols["replication"].append(int(prow["replication"]))
                cols["seed"].append(int(prow["seed"]))
                cols["status"].append(res["status"])
                for f, v in factors.items():
                    cols[f].append(v)
                for o in self.exp.outcomes:
                    cols[o].append(float(res["outcomes"].get(o, np.nan)))
                cols["runtime_s"].append(float(res["runtime_s"]))
                cols["worker"].append(res.get("worker"))
                cols["worker_rss_mb"].append(res.get("worker_rss_mb"))
                cols["error"].append(res.get("error"))
                cols["finished_at"].append(now)
                s = res.get("series")
                if s:
                    n = len(s["step"])
                    ser["run_id"].extend([rid] * n)
                    ser["step"].extend(s["step"])
                    for o in self.exp.outcomes:
                        ser[o].extend(s[o])
            runs = pa.Table.from_pydict(cols, schema=self.schema)
            series = pa.Table.from_pydict(ser, schema=self.series_schema) if ser["run_id"] \
                else None
            self.store.write_part(self.seq, runs, series)
            for res, _ in self.buffer:
                i = int(self.index[int(res["run_id"])])
                self.status[i] = res["status"]
                self.part[i] = self.seq
            self.seq += 1
            self.buffer.clear()
            self.last_flush = time.monotonic()
        if manifest or time.monotonic() - self.last_manifest >= MANIFEST_SECONDS:
            self.write_manifest()

    def write_manifest(self) -> None:
        st = pd.DataFrame({"run_id": self.plan["run_id"].to_numpy(), "status": self.status,
                           "part": self.part})
        st = st[st["status"] != STATUS_PENDING].copy()
        st["error"] = [self.errors.get(int(r)) if s == STATUS_FAILED else None
                       for r, s in zip(st["run_id"], st["status"], strict=True)]
        st["part"] = st["part"].astype(np.int64)
        man = build_manifest(self.plan, st)
        self.store.write_frame("manifest.parquet", man)
        self.last_manifest = time.monotonic()

    def counts(self) -> tuple[int, int, int]:
        ok = int(np.count_nonzero(self.status == STATUS_OK))
        failed = int(np.count_nonzero(self.status == STATUS_FAILED))
        return ok, failed, len(self.status) - ok - failed


def _tasks(exp: Experiment, plan: pd.DataFrame, todo: np.ndarray,
           draws: list[dict[str, Any]] | None = None) -> Iterator[RunTask]:
    base = exp.base_params()
    names = exp.factor_names
    sub = plan.iloc[todo]
    for row in sub.itertuples(index=False):
        d = dict(zip(sub.columns, row, strict=True))  # (factor names may hold dots)
        params = point_params(base, {f: _native(d[f]) for f in names})
        if draws:
            params = {**params, **draws[int(d["replication"])]}
        yield RunTask(int(d["run_id"]), int(d["point_id"]), int(d["replication"]),
                      int(d["seed"]), exp.steps, params, exp.outcomes, exp.series)


def _metadata(exp: Experiment, n_points: int, n_runs: int, started: str) -> dict[str, Any]:
    return {
        "kind": "ecosim sweep",
        "name": exp.name,
        "description": exp.description,
        "experiment_file": str(exp.path) if exp.path else None,
        "file_hash": exp.file_hash,
        "scenario": exp.scenario.name,
        "scenario_file": str(exp.scenario.path) if exp.scenario.path else None,
        "base_params_hash": _base_hash(exp),
        "method": exp.method, "n": exp.n, "second_order": exp.second_order,
        "num_levels": exp.num_levels,
        "design_seed": exp.seed if exp.design_seed is None else exp.design_seed,
        "seed": exp.seed, "seeding": exp.seeding, "steps": exp.steps,
        "replications": exp.replications, "n_points": n_points, "n_runs": n_runs,
        "factor_names": exp.factor_names,
        "factors": {f.name: f.describe() for f in exp.factors},
        "salib_problem": salib_problem(exp.factors),
        "fixed": exp.fixed,
        "outcomes": list(exp.outcomes), "series": exp.series,
        "horizons": list(exp.horizons), "policy_start_year": policy_start_year(exp.scenario),
        "summary_statistic": "mean over the final year (last two steps)",
        **versions(),
        "model_fingerprint": model_fingerprint(),
        "python": sys.version.split()[0],
        "started": started,
        "sessions": [],
    }


def _prepare_dir(store: SweepStore, exp: Experiment, resume: bool, started: str
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    if store.exists():
        meta = store.read_metadata()
        if not resume:
            fin = store.finished()
            raise SweepDirError(
                f"{store.path} already holds sweep '{meta.get('name')}' ({len(fin)} of "
                f"{meta.get('n_runs')} runs finished): pass --resume to continue it, or "
                "choose another --out")
        fp = model_fingerprint()
        if meta.get("model_fingerprint", fp) != fp:
            raise SweepDirError(
                f"{store.path}: cannot resume: the model code changed since the sweep "
                f"started (fingerprint {meta.get('model_fingerprint')} then, {fp} now); "
                "results of two models would mix: use a new --out")
        if meta.get("file_hash") != exp.file_hash or meta.get("base_params_hash") != _base_hash(
                exp):
            if meta.get("file_hash") != exp.file_hash:
                what, then, now = "experiment file", meta.get("file_hash"), exp.file_hash
            else:
                what, then, now = ("base scenario", meta.get("base_params_hash"),
                                   _base_hash(exp))
            raise SweepDirError(
                f"{store.path}: cannot resume: the {what} changed since the sweep started "
                f"(hash {str(then)[:12]} then, {str(now)[:12]} now); use a new --out")
        return store.plan(), meta
    ours = {"design.parquet", "plan.parquet", "experiment.toml", "base_params.json"}
    if store.path.exists() and any(not (f.name in ours or f.name.endswith(".tmp"))
                                   for f in store.path.iterdir()):
        raise SweepDirError(f"{store.path} exists, is not empty and holds no sweep: "
                            "choose another --out")
    store.path.mkdir(parents=True, exist_ok=True)
    design = sample_design(exp)
    plan = build_plan(exp, design)
    store.write_frame("design.parquet", design.to_frame())
    if exp.path is not None:
        text = exp.path.read_bytes()
        write_atomic(store.path / "experiment.toml", lambda p: Path(p).write_bytes(text))
    import json

    bp = json.dumps(exp.base_params(), indent=2, default=str)
    write_atomic(store.path / "base_params.json", lambda p: Path(p).write_text(bp))
    store.write_frame("plan.parquet", plan)
    meta = _metadata(exp, len(design.points), len(plan), started)
    store.write_metadata(meta)  # written last: the directory now counts as a sweep
    return plan, meta


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (batch schedulers, ``kill``) like Ctrl-C while the sweep runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def run_sweep(experiment: Experiment | str | Path, out: str | Path | None = None, *,
              workers: int | None = None, dask: str | None = None,
              executor: Executor | None = None, resume: bool = False,
              retry_failed: bool = False, progress: bool | None = None,
              run_fn: Callable[[RunTask], dict[str, Any]] = execute_run,
              max_tasks_per_child: int | None = DEFAULT_MAX_TASKS_PER_CHILD,
              start_method: str | None = None,
              flush_seconds: float = DEFAULT_FLUSH_SECONDS,
              flush_runs: int = DEFAULT_FLUSH_RUNS,
              max_runs: int | None = None,
              posterior: str | Path | None = None) -> SweepReport:
    """Run (or resume) a sweep and stream its results to ``out``.

    Args:
        experiment: an :class:`~ecosim.experiments.design.Experiment` or the path of its file.
        out: sweep directory (default ``results/sweeps/<name>``).
        workers: worker processes (default: CPU count).
        dask: ``"local"`` or a scheduler address (``tcp://host:port``) to run on Dask.
        executor: any ``concurrent.futures.Executor`` to use instead (not closed here).
        resume: continue the sweep in ``out``: skip finished runs, redo the others.
        retry_failed: on resume, also redo runs recorded as failed.
        progress: show a progress bar (default: when stderr is a terminal).
        run_fn: the function run for each task (module-level, picklable).
        max_tasks_per_child: recycle process-pool workers after this many runs.
        start_method: multiprocessing start method for the pool.
        flush_seconds: write a part file at least this often while runs finish.
        flush_runs: ... or when this many runs are waiting to be written.
        max_runs: stop after this many runs in this session (for tests and trials).
        posterior: a calibration folder or ``posterior.parquet``: replication ``r`` of
            every design point runs with parameter draw ``r`` from it (copied into the
            sweep directory; a resume uses that copy).

    Returns:
        A :class:`SweepReport`. Ctrl-C or SIGTERM stop the sweep cleanly
        (``interrupted=True``) and leave a resumable directory.

    Raises:
        ExperimentError / SweepDirError: bad experiment file or output directory.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    _check_picklable(run_fn)
    store = SweepStore(check_out(out if out is not None else sweep_dir(exp)))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    draws = _posterior_draws(store, exp, posterior)
    with writing(store.path):
        plan, meta = _prepare_dir(store, exp, resume, started)
        draws = _posterior_draws(store, exp, posterior, meta)
        store.acquire_lock()
    t0 = time.perf_counter()
    handle: ExecutorHandle | None = None
    writer = None
    interrupted = False
    ran = skipped = 0
    stopped: OSError | None = None
    try:
        store.clean_partial_files()
        writer = _Writer(store, exp, plan, flush_seconds, flush_runs)
        writer.load_existing()
        skipped, todo = _runs_to_do(writer, plan, retry_failed, max_runs)
        handle = ExecutorHandle(workers, dask, executor, max_tasks_per_child, start_method)
        writer.write_manifest()
        if progress is None:
            progress = sys.stderr.isatty()
        with _sigterm_as_interrupt():
            ran, interrupted = _execute(handle, _tasks(exp, plan, todo, draws), len(todo),
                                        writer, run_fn, progress, skipped, len(plan), exp.name)
    except KeyboardInterrupt:
        interrupted = True
    except OSError as e:  # e.g. the disk is full: the parts written are kept
        stopped = e
    finally:
        elapsed, (ok, failed, pending) = _end_session(store, meta, writer, handle, t0, {
            "started": started, "ran": ran, "skipped": skipped, "interrupted": interrupted})
    if stopped is not None:
        with writing(store.path, "sweep", f"the {ok + failed} finished runs are kept; free "
                     "some space (or fix the folder) and run the same command again with "
                     "--resume"):
            raise stopped
    return SweepReport(store.path, len(plan), ok, failed, pending, ran, skipped, elapsed,
                       handle.description if handle else "", interrupted, started)


def _posterior_draws(store: SweepStore, exp: Experiment, posterior: str | Path | None,
                     meta: dict[str, Any] | None = None) -> list[dict[str, Any]] | None:
    """Parameter draws per replication from ``posterior`` (checked before anything is
    written, ``meta`` None), or from the copy a sweep directory holds (``meta`` given:
    the copy is made on a fresh start and must match on a resume)."""
    from .posterior import load_posterior

    copy = store.path / "posterior.parquet"
    if meta is None:
        if posterior is None:
            return None
        post = load_posterior(posterior)
        clash = sorted(set(post.names) & set(exp.factor_names))
        if clash:
            raise SweepDirError(f"--posterior {posterior}: {', '.join(clash)} is also a "
                                "factor of the design; a parameter is either swept or drawn")
        return post.draw(exp.replications, exp.seed)
    if posterior is not None:
        data = load_posterior(posterior).path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:16]
        if meta.get("posterior_hash") not in (None, digest) or (
                meta.get("sessions") and meta.get("posterior_hash") is None):
            raise SweepDirError(f"{store.path}: cannot resume with --posterior {posterior}: "
                                "the sweep was started with another posterior or none")
        if not copy.is_file():
            write_atomic(copy, lambda p: Path(p).write_bytes(data))
            meta["posterior_hash"], meta["posterior_source"] = digest, str(posterior)
            store.write_metadata(meta)
    if meta.get("posterior_hash") is None:
        return None
    if not copy.is_file():
        raise SweepDirError(f"{store.path}: the sweep used a posterior but its copy "
                            "posterior.parquet is missing")
    return load_posterior(copy).draw(exp.replications, exp.seed)


def _check_picklable(run_fn: Callable[[RunTask], dict[str, Any]]) -> None:
    """Refuse a run function that cannot be sent to worker processes."""
    try:
        pickle.dumps(run_fn)
    except Exception as e:
        raise SweepDirError(f"run function {run_fn!r} cannot be sent to worker processes "
                            f"({e}); define it at module level") from None


def _runs_to_do(writer: _Writer, plan: pd.DataFrame, retry_failed: bool,
                max_runs: int | None) -> tuple[int, np.ndarray]:
    """Runs already finished (skipped), and the rows of the plan to run, in run order."""
    done = writer.status == STATUS_OK
    if not retry_failed:
        done |= writer.status == STATUS_FAILED
    skipped = int(done.sum())
    todo = np.flatnonzero(~done)
    todo = todo[np.argsort(plan["order"].to_numpy()[todo], kind="stable")]
    if max_runs is not None:
        todo = todo[:max_runs]
    return skipped, todo


def _end_session(store: SweepStore, meta: dict[str, Any], writer: _Writer | None,
                 handle: ExecutorHandle | None, t0: float, session: dict[str, Any]
                 ) -> tuple[float, tuple[int, int, int]]:
    """Flush what finished, stop the executor, record the session, release the lock.

    Returns:
        The seconds the session took, and the runs ok, failed and pending.
    """
    ok = failed = pending = 0
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.flush(manifest=True)
    if handle is not None:
        handle.close(terminate=session["interrupted"])
    elapsed = time.perf_counter() - t0
    if writer is not None:
        ok, failed, pending = writer.counts()
        meta["sessions"] = [*meta.get("sessions", []), {
            "started": session["started"], "elapsed_s": round(elapsed, 3),
            "executor": handle.description if handle else None, "ran": session["ran"],
            "skipped": session["skipped"], "interrupted": session["interrupted"], "ok": ok,
            "failed": failed, "pending": pending}]
        with contextlib.suppress(Exception):
            store.write_metadata(meta)
    store.release_lock()
    return elapsed, (ok, failed, pending)


def _execute(handle: ExecutorHandle, tasks: Iterator[RunTask], n_todo: int, writer: _Writer,
             run_fn: Callable[[RunTask], dict[str, Any]], progress: bool, initial: int,
             total: int, label: str) -> tuple[int, bool]:
    """Submit tasks with a bounded window, collect results, flush parts."""
    from tqdm import tqdm

    bar = tqdm(total=total, initial=initial, unit="run", desc=label, disable=not progress,
               file=sys.stderr, dynamic_ncols=True, smoothing=0.05)
    failed_n = writer.counts()[1]
    writer.failed_seen = failed_n
    bar.set_postfix_str(f"failed={failed_n}")
    inflight: dict[Future, RunTask] = {}
    suspects: deque[RunTask] = deque()  # runs in flight when a worker died: rerun singly
    breaks: dict[int, int] = {}  # run id -> times it was in flight when the pool broke
    ran = 0
    window = max(2, 2 * handle.capacity + 1)
    exhausted = False
    try:
        while True:
            isolating = bool(suspects) or any(breaks.get(t.run_id, 0)
                                              for t in inflight.values())
            limit = 1 if isolating else window
            while len(inflight) < limit:
                if suspects:
                    task = suspects.popleft()
                else:
                    task = None if exhausted else next(tasks, None)
                    if task is None:
                        exhausted = True
                        break
                inflight[handle.executor.submit(run_fn, task)] = task
            if not inflight:
                break
            done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
            involved: list[tuple[RunTask, BaseException]] = []
            for fut in done:
                task = inflight.pop(fut)
                try:
                    result = fut.result()
                except BrokenExecutor as e:
                    involved.append((task, e))
                    continue
                except Exception as e:  # infrastructure errors (Dask KilledWorker, ...)
                    result = _failure(task, "".join(traceback.format_exception(e)))
                failed_n += _record(writer, bar, task, result)
                ran += 1
            if involved:
                # The pool broke (a worker process died): every run in flight is involved.
                err = involved[0][1]
                involved += [(t, err) for t in inflight.values()]
                inflight.clear()
                for task, _ in involved:
                    breaks[task.run_id] = breaks.get(task.run_id, 0) + 1
                if len(involved) == 1 and breaks[involved[0][0].run_id] >= 2:
                    task = involved[0][0]  # it broke the pool twice, the second time alone
                    failed_n += _record(writer, bar, task, _failure(
                        task, f"worker process died while running this run "
                              f"({type(err).__name__}: {err})"))
                    ran += 1
                else:
                    suspects.extend(t for t, _ in involved)
                if not handle.restartable:
                    raise RuntimeError("the executor broke and cannot be restarted") from err
                handle.restart()
            writer.maybe_flush()
    except KeyboardInterrupt:
        bar.close()
        return ran, True
    bar.close()
    return ran, False


def _record(writer: _Writer, bar: Any, task: RunTask, result: dict[str, Any]) -> int:
    """Buffer one result, advance the bar; return 1 if the run failed."""
    writer.add(task, result)
    bar.update(1)
    if result["status"] == STATUS_FAILED:
        writer.failed_seen += 1
        bar.set_postfix_str(f"failed={writer.failed_seen}")
        return 1
    return 0


def _failure(task: RunTask, error: str) -> dict[str, Any]:
    return {"run_id": task.run_id, "status": STATUS_FAILED, "outcomes": {}, "series": None,
            "error": error, "runtime_s": float("nan"), "worker": None,
            "worker_rss_mb": float("nan")}
