"""The Markdown report of a sensitivity analysis (``report.md``).

A plain-language ranking of the factors per outcome, tables of the indices with their
intervals, the seed-noise shares, every warning and a methods paragraph; written from an
:class:`~ecosim.sensitivity.result.SAResult`, nothing is computed here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..experiments.store import write_atomic
from ..sensitivity.result import NEGLIGIBLE_ST, SAResult, fmt_interval, fmt_number, rank_key
from .sa_figures import plot_sensitivity

__all__ = ["report_markdown", "write_report"]


def write_report(res: SAResult, plots: bool = True) -> list[Path]:
    """Write the figures (when ``plots`` and there are indices) and ``report.md`` into
    ``res.path``; return the figure paths."""
    out = res.path
    assert out is not None
    figs = plot_sensitivity(out, res) if plots and len(res.indices) else []
    text = report_markdown(res, figs)
    write_atomic(out / "report.md", lambda p: Path(p).write_text(text, encoding="utf-8"))
    return figs


def _outcome_text(res: SAResult, o: str) -> list[str]:
    """Plain-language ranking of one outcome's factors."""
    rk = res.ranking(o)
    if not len(rk):
        return [f"*{o}: not analysed (see the warnings).*"]
    kinds = res.kinds
    method = res.method
    key = rank_key(method)
    lines = []
    if method == "sobol":
        s1 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S1")]
        s1 = s1.set_index("factor")
        important = rk[rk["ci_low"] > NEGLIGIBLE_ST]
        negligible = rk[rk["ci_high"] < NEGLIGIBLE_ST]
        top = important if len(important) else rk.head(3)
        parts = [f"**{r.factor}** ({kinds.get(r.factor, 'input')}; ST {fmt_interval(r)}, S1 "
                 f"{fmt_number(s1.at[r.factor, 'value'])})" for r in top.head(5).itertuples()]
        lines.append(f"Most influential for **{o}**" + (
            "" if len(important) else " (none clearly above ST = 0.05; the top three)")
            + ": " + "; ".join(parts) + ".")
        sum_s1 = float(s1["value"].clip(lower=0).sum())
        lines.append(f"First-order effects add up to {sum_s1:.2f}: about "
                     f"{max(0.0, 1 - sum_s1):.0%} of the variance comes from interactions "
                     "between factors (or is seed noise, see below).")
        thr = "ST upper CI bound < 0.05"
    elif method == "morris":
        mu = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "mu")]
        sg = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "sigma")]
        mu, sg = mu.set_index("factor"), sg.set_index("factor")
        mx = float(rk["value"].max())
        important = rk[rk["ci_low"] > 0.1 * mx]
        negligible = rk[rk["ci_high"] < 0.1 * mx]
        parts = []
        for r in important.head(6).itertuples():
            m, s = mu.at[r.factor, "value"], sg.at[r.factor, "value"]
            shape = ("mostly non-linear or interacting" if s > r.value else
                     "raises it" if m > 0.5 * r.value else
                     "lowers it" if m < -0.5 * r.value else "effect changes sign")
            parts.append(f"**{r.factor}** ({kinds.get(r.factor, 'input')}; μ* {fmt_interval(r)}, "
                         f"{shape})")
        lines.append(f"Most influential for **{o}** (μ*: mean absolute change of the "
                     "outcome when the factor moves across its whole range): "
                     + ("; ".join(parts) if parts else "no factor clearly stands out") + ".")
        thr = "μ* upper CI bound < 10% of the largest μ*"
    else:
        mx = float(rk["value"].max())
        important = rk[rk["ci_low"] > 0.1 * mx]
        negligible = rk[rk["ci_high"] < 0.1 * mx]
        parts = [f"**{r.factor}** ({kinds.get(r.factor, 'input')}; δ {fmt_interval(r)})"
                 for r in (important if len(important) else rk).head(5).itertuples()]
        lines.append(f"Most influential for **{o}** (δ: how much the whole distribution "
                     "of the outcome shifts when the factor is known): " + "; ".join(parts)
                     + ".")
        thr = "δ upper CI bound < 10% of the largest δ"
    levers = rk[[kinds.get(f) == "lever" for f in rk["factor"]]]
    if len(levers) and len(levers) < len(rk):
        top_l = levers.head(3)
        sym = {"ST": "ST", "mu_star": "μ*", "delta": "δ"}[key]
        lines.append("Among the policy levers: " + ", ".join(
            f"{r.factor} ({sym} {fmt_number(r.value)})" for r in top_l.itertuples()) + ".")
    if len(negligible):
        lines.append(f"Negligible over the ranges studied ({thr}): "
                     + ", ".join(negligible["factor"]) + ".")
    return lines


def report_markdown(res: SAResult, figures: list[Path]) -> str:
    """The text of ``report.md``."""
    m = res.meta
    method = res.method
    out = [f"# Sensitivity analysis: {m.get('name')}", ""]
    if m.get("description"):
        out += [str(m["description"]), ""]
    what = (f"Python function `{m['model']}`" if m.get("model")
            else f"ecosim, scenario '{m.get('scenario')}'")
    out += [
        f"- Model: {what}; {m.get('steps', '')} steps per run" if not m.get("model")
        else f"- Model: {what}",
        f"- Design: {m.get('design_method')} (SALib), N = {m.get('n')}, "
        f"{m.get('n_points'):,} points × {m.get('replications')} replications = "
        f"{m.get('n_runs'):,} runs; analysis: **{method}**",
        f"- Factors ({len(m.get('factors', []))}): "
        + ", ".join(f"{f} {m.get('factor_ranges', {}).get(f, '')}".strip()
                    for f in m.get("factors", [])),
        f"- Seeds: runs from experiment seed {m.get('seed')} ({m.get('seeding', 'common')}); "
        f"bootstrap seed {m.get('bootstrap_seed')}, {m.get('num_resamples')} resamples, "
        f"{int(round(100 * float(m.get('conf_level', 0.95))))}% intervals",
    ]
    if m.get("runs_elapsed_s") is not None:
        out.append(f"- Runtime: runs {m['runs_elapsed_s']:.0f} s ({m.get('executor', '')}), "
                   f"analysis {m.get('analysis_elapsed_s', 0):.1f} s")
    out += ["", "## Which levers matter most", ""]
    for o in m.get("outcomes", []):
        out += [f"### {o}", ""]
        out += _outcome_text(res, o)
        nz = res.noise[res.noise["outcome"] == o]
        if len(nz) and nz["replications"].iat[0] > 1:
            r = nz.iloc[0]
            out.append(f"Seed noise: {_pct(r.noise_share_runs)} of the variance of single runs, "
                       f"{_pct(r.noise_share_mean)} of the variance of the mean over "
                       f"{int(r.replications)} replications that the indices are computed "
                       "from.")
        out.append("")
        rk = res.ranking(o)
        if len(rk):
            tab = res.indices[res.indices["outcome"] == o]
            out += _md_table(tab, list(rk["factor"]), res.kinds)
            out.append("")
        for f in figures:
            if f.stem.endswith(f"_{o}"):
                out.append(f"![{f.stem}](figures/{f.name})")
        out.append("")
    out += ["## Warnings", ""]
    out += [f"- {w}" for w in res.warnings] or ["- none"]
    out += ["", "## Method", "", _method_text(res), ""]
    return "\n".join(out)


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(float(x)) else f"{float(x):.1%}"


def _md_table(tab: pd.DataFrame, order: list[str], kinds: dict[str, str]) -> list[str]:
    ixs = [i for i in ("ST", "S1", "mu_star", "mu", "sigma", "delta") if i in
           set(tab["index"])]
    head = "| factor | kind | " + " | ".join(ixs) + " |"
    lines = [head, "|" + "---|" * (len(ixs) + 2)]
    t = tab.set_index(["factor", "index"])
    for f in order:
        cells = []
        for i in ixs:
            r = t.loc[(f, i)]
            cells.append(f"{fmt_number(r['value'])} [{fmt_number(r['ci_low'])}, "
                         f"{fmt_number(r['ci_high'])}]")
        lines.append(f"| {f} | {kinds.get(f, 'input')} | " + " | ".join(cells) + " |")
    return lines


def _method_text(res: SAResult) -> str:
    m = res.meta
    lvl = int(round(100 * float(m.get("conf_level", 0.95))))
    base = (f"Each design point ran {m.get('replications')} time(s) with seeds derived from "
            "the experiment seed; the analysed output is the mean over replications at each "
            "point (final-year mean for ecosim runs). The seed-noise share is the mean "
            "within-point variance over the total variance (single runs), and the same "
            "divided by the replications over the variance of the point means (the "
            "analysed output).")
    if res.method == "sobol":
        return (f"Sobol' indices with SALib (`SALib.sample.sobol`, scrambled, N = "
                f"{m.get('n')} a power of two; `SALib.analyze.sobol`): S1 = first-order, "
                f"ST = total effect (Jansen estimator), {lvl}% bootstrap intervals "
                f"({m.get('num_resamples')} resamples, seed {m.get('bootstrap_seed')}). "
                "Convergence: indices recomputed from the first N/2^k base samples of the "
                "same sequence (convergence.csv). " + base)
    if res.method == "morris":
        return (f"Morris elementary effects (`SALib.sample.morris`, {m.get('n')} trajectories, "
                f"{m.get('num_levels')} levels). Effects are per unit of each factor's range: "
                "μ* = mean absolute effect, μ = mean effect (sign), σ = standard deviation "
                f"(non-linearity or interactions). {lvl}% percentile-bootstrap intervals over "
                f"trajectories (seed {m.get('bootstrap_seed')}). " + base)
    return (f"Borgonovo's moment-independent δ and a first-order S1 estimate on the given "
            f"sample (`SALib.analyze.delta`), {lvl}% bootstrap intervals (seed "
            f"{m.get('bootstrap_seed')}). δ has a small positive bias at small samples: "
            "compare factors with each other rather than with zero. " + base)
