"""The on-disk layout of a sweep, and reading it back.

A sweep directory::

    metadata.json        experiment name, file hash, scenario hash, versions, start time,
                         design, factors, outcomes, one entry per session (executor, runs)
    experiment.toml      verbatim copy of the experiment file
    base_params.json     model parameters shared by every run (scenario + [set])
    design.parquet       design points in sampler order (+ raw sampler values)
    plan.parquet         every planned run: run_id, order, point_id, replication, seed, factors
    manifest.parquet     the plan plus status (pending | ok | failed), part, error
    parts/runs-NNNNNN.parquet     finished runs (ok and failed), one row each
    series/series-NNNNNN.parquet  per-step series of the outcomes of those runs
    errors.log           tracebacks of failed runs, as they happen
    .lock                pid of the sweep process writing the directory

Outcomes at horizons (years after the policy starts, ``horizons = [2, 5, 10]`` in the
experiment file, or asked for when reading) are not stored: they are derived from the
per-step series when read (:meth:`SweepStore.results`, :meth:`SweepStore.horizon_frame`)
as columns ``<outcome>@<h>y`` beside the final-year ``<outcome>`` (mean over year
``start − 1 + h``, :mod:`ecosim.experiments.horizons`). The horizons setting is part of
the experiment file, so changing it in the file makes a different sweep (no resume);
reading other horizons of a finished sweep needs no rerun.

Part files are the record of truth: a run is finished when its row is in a part file,
and every file is written through a temporary file and a rename, so a killed sweep
leaves either a whole part or none. ``manifest.parquet`` is rebuilt from the plan and
the parts at every flush and on resume. Should a run appear in several parts (a failed
run retried with ``--retry-failed``), the newest part wins.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import SweepDirError
from ..params import OUTCOMES
from .horizons import check_horizons, horizon_column, horizon_values
from .output import write_atomic

__all__ = ["SweepStore", "SweepDirError", "write_atomic", "STATUS_OK", "STATUS_FAILED",
           "STATUS_PENDING", "load_results"]

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_PENDING = "pending"
RUNS_DIR = "parts"
SERIES_DIR = "series"


def _seq(p: Path) -> int:
    return int(p.stem.rsplit("-", 1)[1])


class SweepStore:
    """A sweep directory (see the module docstring for its layout).

    Args:
        path: the directory.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # -- files ---------------------------------------------------------------------
    @property
    def metadata_path(self) -> Path:
        """``metadata.json``."""
        return self.path / "metadata.json"

    def exists(self) -> bool:
        """Whether the directory already holds a sweep."""
        return self.metadata_path.is_file() and (self.path / "plan.parquet").is_file()

    def read_metadata(self) -> dict[str, Any]:
        """Contents of ``metadata.json``."""
        if not self.metadata_path.is_file():
            raise SweepDirError(f"{self.path}: not a sweep directory (no metadata.json)")
        return json.loads(self.metadata_path.read_text(encoding="utf-8"))

    def write_metadata(self, meta: dict[str, Any]) -> None:
        """Write ``metadata.json`` atomically."""
        text = json.dumps(meta, indent=2, default=_json_default)
        write_atomic(self.metadata_path, lambda p: Path(p).write_text(text, encoding="utf-8"))

    def write_frame(self, name: str, df: pd.DataFrame) -> None:
        """Write a Parquet file of the directory atomically."""
        write_atomic(self.path / name, lambda p: df.to_parquet(p, index=False))

    def plan(self) -> pd.DataFrame:
        """Every planned run (``plan.parquet``)."""
        return pd.read_parquet(self.path / "plan.parquet")

    def design(self) -> pd.DataFrame:
        """Design points in sampler order (``design.parquet``)."""
        return pd.read_parquet(self.path / "design.parquet")

    def run_parts(self) -> list[Path]:
        """Finished-run part files, oldest first."""
        return sorted((self.path / RUNS_DIR).glob("runs-*.parquet"), key=_seq)

    def series_parts(self) -> list[Path]:
        """Per-step series part files, oldest first."""
        return sorted((self.path / SERIES_DIR).glob("series-*.parquet"), key=_seq)

    def next_seq(self) -> int:
        """Number of the next part file."""
        seqs = [_seq(p) for p in self.run_parts() + self.series_parts()]
        return max(seqs, default=0) + 1

    def clean_partial_files(self) -> int:
        """Delete temporary files and series parts without their runs part (killed writes).

        Returns:
            Number of files removed.
        """
        removed = 0
        runs = {_seq(p) for p in self.run_parts()}
        for d in (self.path / RUNS_DIR, self.path / SERIES_DIR, self.path):
            if not d.is_dir():
                continue
            for tmp in d.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
                removed += 1
        for p in self.series_parts():
            if _seq(p) not in runs:
                p.unlink(missing_ok=True)
                removed += 1
        return removed

    # -- writing parts ---------------------------------------------------------------
    def write_part(self, seq: int, runs: pa.Table, series: pa.Table | None) -> Path:
        """Write one part: the series first, then the runs table (which commits it)."""
        if series is not None and series.num_rows:
            write_atomic(self.path / SERIES_DIR / f"series-{seq:06d}.parquet",
                         lambda p: pq.write_table(series, p))
        target = self.path / RUNS_DIR / f"runs-{seq:06d}.parquet"
        write_atomic(target, lambda p: pq.write_table(runs, p))
        return target

    # -- locking -------------------------------------------------------------------
    def acquire_lock(self) -> None:
        """Mark the directory as being written by this process.

        Raises:
            SweepDirError: if another live process on this host holds the lock.
        """
        lock = self.path / ".lock"
        host = socket.gethostname()
        if lock.is_file():
            try:
                info = json.loads(lock.read_text())
            except (OSError, ValueError):
                info = {}
            pid = int(info.get("pid", -1))
            if info.get("host") == host and pid != os.getpid() and _alive(pid):
                raise SweepDirError(f"{self.path}: another sweep (pid {pid}) is writing this "
                                    "directory; wait for it or stop it first")
        lock.write_text(json.dumps({"pid": os.getpid(), "host": host}))

    def release_lock(self) -> None:
        """Remove the lock of this process."""
        (self.path / ".lock").unlink(missing_ok=True)

    # -- reading results -------------------------------------------------------------
    def finished(self) -> pd.DataFrame:
        """``run_id``, ``status``, ``part`` of every finished run (newest part wins)."""
        frames = []
        for p in self.run_parts():
            t = pq.read_table(p, columns=["run_id", "status"]).to_pandas()
            t["part"] = _seq(p)
            frames.append(t)
        if not frames:
            return pd.DataFrame({"run_id": pd.Series(dtype=np.int64),
                                 "status": pd.Series(dtype=object),
                                 "part": pd.Series(dtype=np.int64)})
        df = pd.concat(frames, ignore_index=True)
        return df.drop_duplicates("run_id", keep="last").sort_values("run_id",
                                                                      ignore_index=True)

    def results(self, include_failed: bool = True,
                horizons: list[int] | tuple[int, ...] | None = None) -> pd.DataFrame:
        """One row per finished run, sorted by ``run_id`` (newest part wins).

        Columns: ``run_id``, ``point_id``, ``replication``, ``seed``, ``status``, the
        factors, the outcomes (final-year means), ``runtime_s``, ``worker``,
        ``worker_rss_mb``, ``error``, then ``<outcome>@<h>y`` for each horizon
        (:meth:`horizon_frame`; default: the experiment's ``horizons``, often none).
        """
        res = self._results(include_failed)
        hs = self._horizons(horizons)
        if not hs:
            return res
        hf = self.horizon_frame(hs)
        if not len(res):
            return res.assign(**{c: pd.Series(dtype=float) for c in hf.columns[1:]})
        return res.merge(hf, on="run_id", how="left")

    def _horizons(self, horizons: list[int] | tuple[int, ...] | None) -> tuple[int, ...]:
        """Horizons asked for, else those of the experiment file, checked."""
        meta = self.read_metadata()
        hs = (meta.get("horizons") or []) if horizons is None else list(horizons)
        if not hs:
            return ()
        return check_horizons(hs, int(meta["steps"]), (int(meta.get("policy_start_year", 1)),),
                              where="--horizons", error=SweepDirError)

    def horizon_frame(self, horizons: list[int] | tuple[int, ...],
                      outcomes: list[str] | None = None) -> pd.DataFrame:
        """Each finished run's outcomes at each horizon, from the per-step series.

        Returns:
            ``run_id`` and one column ``<outcome>@<h>y`` per outcome and horizon (NaN for
            failed runs, which have no series).

        Raises:
            SweepDirError: the sweep kept no per-step series (``series = false``).
        """
        meta = self.read_metadata()
        outcomes = list(outcomes or meta.get("outcomes", []))
        hs = self._horizons(horizons)
        names = [horizon_column(o, h) for h in hs for o in outcomes]
        if not meta.get("series", True):
            raise SweepDirError(f"{self.path}: sweep '{meta.get('name')}' kept no per-step "
                                "series (series = false): outcomes at horizons need them")
        ser = self.series()
        if not len(ser):
            return pd.DataFrame({c: pd.Series(dtype=float) for c in ["run_id", *names]})
        vals = horizon_values(ser, hs, outcomes, int(meta.get("policy_start_year", 1)),
                              by=("run_id",), group="run_id")
        wide = vals.pivot(index="run_id", columns="horizon", values=outcomes)
        wide.columns = [horizon_column(o, h) for o, h in wide.columns]
        return wide.reindex(columns=names).reset_index()

    def _results(self, include_failed: bool = True) -> pd.DataFrame:
        """:meth:`results` without horizon columns."""
        frames = []
        for p in self.run_parts():
            t = pq.read_table(p).to_pandas()
            t["_part"] = _seq(p)
            frames.append(t)
        if not frames:
            meta = self.read_metadata()
            cols = ["run_id", "point_id", "replication", "seed", "status",
                    *meta.get("factor_names", []), *meta.get("outcomes", []),
                    "runtime_s", "worker", "worker_rss_mb", "error"]
            return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        df = pd.concat(frames, ignore_index=True)
        df = df.drop_duplicates("run_id", keep="last").drop(columns="_part")
        if not include_failed:
            df = df[df["status"] == STATUS_OK]
        return df.sort_values("run_id", ignore_index=True)

    def series(self) -> pd.DataFrame:
        """Per-step series: ``run_id``, ``step`` and the outcomes, for finished runs."""
        winners = self.finished().set_index("run_id")["part"]
        frames = []
        for p in self.series_parts():
            t = pq.read_table(p).to_pandas()
            keep = winners.reindex(t["run_id"]).to_numpy() == _seq(p)
            frames.append(t[keep])
        if not frames:
            return pd.DataFrame(columns=["run_id", "step"])
        return pd.concat(frames, ignore_index=True).sort_values(["run_id", "step"],
                                                                ignore_index=True)

    def manifest(self) -> pd.DataFrame:
        """The plan with each run's status (pending / ok / failed), part and error."""
        plan = self.plan()
        return build_manifest(plan, self._status_frame())

    def _status_frame(self) -> pd.DataFrame:
        frames = []
        for p in self.run_parts():
            t = pq.read_table(p, columns=["run_id", "status", "error"]).to_pandas()
            t["part"] = _seq(p)
            frames.append(t)
        if not frames:
            return pd.DataFrame(columns=["run_id", "status", "error", "part"])
        return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", keep="last")

    def write_manifest(self) -> pd.DataFrame:
        """Rebuild ``manifest.parquet`` from the plan and the parts."""
        man = self.manifest()
        self.write_frame("manifest.parquet", man)
        return man

    def outcome_matrix(self, outcome: str) -> np.ndarray:
        """Outcome by design point (rows, sampler order) and replication (columns).

        Missing runs (pending, failed) are NaN; this is what a sensitivity analysis
        needs (``SALib.analyze`` wants outputs in sampler order).
        """
        meta = self.read_metadata()
        P, R = int(meta["n_points"]), int(meta["replications"])
        Y = np.full((P, R), np.nan)
        hs = None
        if "@" in outcome and outcome.endswith("y"):  # <outcome>@<h>y: at a horizon
            base, _, h = outcome.rpartition("@")
            if not h[:-1].isdigit() or base not in meta.get("outcomes", []):
                raise SweepDirError(f"{outcome!r}: expected <outcome>@<years>y with an "
                                    "outcome of the sweep, e.g. in_field_rate@5y")
            hs = [int(h[:-1])]
        res = self.results(include_failed=False, horizons=hs)
        if len(res):
            Y[res["point_id"].to_numpy(int), res["replication"].to_numpy(int)] = (
                res[outcome].to_numpy(float))
        return Y

    def point_summary(self, outcomes: list[str] | None = None,
                      level: float = 0.95) -> pd.DataFrame:
        """Mean and t confidence interval of each outcome per design point.

        Columns: ``point_id``, the factors, then ``<outcome>``, ``<outcome>_low``,
        ``<outcome>_high`` and ``n`` (finished ok replications of the point).
        """
        from .stats import mean_ci

        meta = self.read_metadata()
        outcomes = list(outcomes or meta.get("outcomes", []))
        res = self.results(include_failed=False)
        design = self.design()
        factors = list(meta.get("factor_names", []))
        rows = []
        for pid, g in res.groupby("point_id"):
            row: dict[str, Any] = {"point_id": int(pid)}
            for o in outcomes:
                ci = mean_ci(g[o], level)
                row.update({o: ci.mean, f"{o}_low": ci.low, f"{o}_high": ci.high})
            row["n"] = len(g)
            rows.append(row)
        out = pd.DataFrame(rows)
        if not len(out):
            return out
        return design[["point_id", *factors]].merge(out, on="point_id")

    def export(self, target: str | Path,
               horizons: list[int] | tuple[int, ...] | None = None) -> tuple[Path, int]:
        """Write the tidy results table (one row per finished run) to Parquet or CSV.

        With horizons (default: the experiment's), the ``<outcome>@<h>y`` columns follow
        the final-year outcomes.

        Returns:
            The file and the number of rows.
        """
        target = Path(target)
        suffix = target.suffix.lower()
        if suffix not in (".parquet", ".csv"):
            raise SweepDirError(f"--export {target}: unknown file type '{suffix or '(none)'}'; "
                                "expected a .parquet or .csv file name")
        meta = self.read_metadata()
        hs = self._horizons(horizons)
        res = self.results(horizons=hs)
        at = [horizon_column(o, h) for h in hs for o in meta.get("outcomes", [])]
        cols = ["run_id", *meta.get("factor_names", []), "replication", "seed", "status",
                *meta.get("outcomes", []), *at, "point_id", "runtime_s", "error"]
        res = res[[c for c in cols if c in res.columns]]
        if suffix == ".parquet":
            write_atomic(target, lambda p: res.to_parquet(p, index=False))
        else:
            write_atomic(target, lambda p: res.to_csv(p, index=False))
        return target, len(res)

    # -- summary ---------------------------------------------------------------------
    def summary_text(self, failures: int = 3,
                     horizons: list[int] | tuple[int, ...] | None = None) -> str:
        """Plain-text summary of a finished or partial sweep (with outcomes at horizons:
        the experiment's, or those asked for)."""
        meta = self.read_metadata()
        man = self.manifest()
        counts = man["status"].value_counts()
        n = len(man)
        ok = int(counts.get(STATUS_OK, 0))
        failed = int(counts.get(STATUS_FAILED, 0))
        pending = int(counts.get(STATUS_PENDING, 0))
        lines = [
            f"sweep '{meta['name']}' in {self.path}",
            f"  experiment {meta.get('experiment_file')} (sha256 {meta['file_hash'][:12]}), "
            f"scenario '{meta.get('scenario')}'",
            f"  design {meta['method']}, {meta['n_points']} points × "
            f"{meta['replications']} replications = {n} runs, {meta['steps']} steps, "
            f"seed {meta['seed']} ({meta.get('seeding', 'common')} seeds)",
            "  factors: " + ", ".join(f"{k} {v}" for k, v in meta.get("factors", {}).items()),
            f"  ecosim {meta.get('ecosim_version')}, mesa {meta.get('mesa_version')}, "
            f"started {meta.get('started')}",
            f"  runs: {ok} ok, {failed} failed, {pending} pending "
            f"({100.0 * (ok + failed) / max(n, 1):.1f}% finished)",
        ]
        hs = self._horizons(horizons)
        res = self.results(include_failed=False, horizons=hs)
        outs = [o for o in meta.get("outcomes", []) if o in res.columns]
        outs += [c for h in hs for o in outs if (c := horizon_column(o, h)) in res.columns]
        if len(res) and outs:
            lines.append("")
            lines.append(f"  {'outcome (final-year mean)':<28} {'mean':>12} {'sd':>10} "
                         f"{'min':>12} {'max':>12}  unit")
            for o in outs:
                x = res[o].astype(float)
                unit = OUTCOMES[o.split("@")[0]].unit if o.split("@")[0] in OUTCOMES else ""
                lines.append(f"  {o:<28} {_num(x.mean()):>12} {_num(x.std()):>10} "
                             f"{_num(x.min()):>12} {_num(x.max()):>12}  {unit}")
        if failed:
            err = man[man["status"] == STATUS_FAILED].head(failures)
            lines.append("")
            lines.append(f"  failed runs ({failed}; tracebacks in errors.log and "
                         "manifest.parquet):")
            for _, r in err.iterrows():
                last = str(r["error"] or "").strip().splitlines()[-1:] or ["?"]
                lines.append(f"    run {r['run_id']} (seed {r['seed']}): {last[0]}")
        if pending:
            lines.append("")
            lines.append(f"  {pending} runs pending: resume with  ecosim sweep "
                         f"{meta.get('experiment_file')} --out {self.path} --resume")
        return "\n".join(lines)


def build_manifest(plan: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Plan joined with status rows (``run_id``, ``status``, ``error``, ``part``)."""
    man = plan.merge(status[["run_id", "status", "error", "part"]], on="run_id", how="left")
    man["status"] = man["status"].fillna(STATUS_PENDING)
    man["part"] = man["part"].astype("Int64")
    return man.sort_values("run_id", ignore_index=True)


def load_results(path: str | Path, include_failed: bool = True) -> pd.DataFrame:
    """Tidy results of a sweep directory: one row per finished run."""
    return SweepStore(path).results(include_failed=include_failed)


def _num(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4f}"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        import psutil

        return bool(psutil.pid_exists(pid))
    except ImportError:  # pragma: no cover - psutil comes with dask[distributed]
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, Path):
        return str(o)
    return str(o)
