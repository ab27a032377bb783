"""Experiments on the model: scenarios, single runs, replicated comparisons, durable
sweeps, their statistics and the validation of the baseline.

* :mod:`~ecosim.experiments.scenario` — scenario files (TOML), ``extends``, overrides;
* :mod:`~ecosim.experiments.runner` — one run of a scenario and its tidy outputs;
* :mod:`~ecosim.experiments.stats` — means, t intervals, paired differences, seeds;
* :mod:`~ecosim.experiments.compare` — scenarios × replications with common seeds;
* :mod:`~ecosim.experiments.horizons` — outcomes at horizons after the policy starts;
* :mod:`~ecosim.experiments.counterfactual` — deadweight, cost per additional matched
  graduate from paired runs;
* :mod:`~ecosim.experiments.design` — experiment files, SALib designs, run plans;
* :mod:`~ecosim.experiments.sweep` — the durable, resumable sweep runner;
* :mod:`~ecosim.experiments.store` — the on-disk layout of a sweep;
* :mod:`~ecosim.experiments.validation` — the baseline against stylized facts.

Names are imported on first use (PEP 562)::

    from ecosim.experiments import load_scenario, simulate
    res = simulate(load_scenario("baseline"), seed=1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover - the names __getattr__ loads on first use
    from .compare import Comparison, run_comparison
    from .design import Experiment, load_experiment
    from .runner import RunResult, final_year_summary, run_scenario, simulate
    from .scenario import Scenario, ScenarioError, apply_overrides, list_scenarios, load_scenario
    from .stats import mean_ci, paired_difference_ci, replication_seeds
    from .store import SweepStore
    from .sweep import SweepReport, run_sweep
    from .validation import TARGETS, baseline_outcomes, check_targets

__all__ = [
    "Scenario", "ScenarioError", "load_scenario", "list_scenarios", "apply_overrides",
    "RunResult", "simulate", "run_scenario", "final_year_summary",
    "mean_ci", "paired_difference_ci", "replication_seeds",
    "Comparison", "run_comparison",
    "Experiment", "load_experiment",
    "SweepReport", "run_sweep", "SweepStore",
    "TARGETS", "baseline_outcomes", "check_targets",
]

_EXPORTS = {
    **dict.fromkeys(["Scenario", "ScenarioError", "load_scenario", "list_scenarios",
                     "apply_overrides"], ".scenario"),
    **dict.fromkeys(["RunResult", "simulate", "run_scenario", "final_year_summary"],
                    ".runner"),
    **dict.fromkeys(["mean_ci", "paired_difference_ci", "replication_seeds"], ".stats"),
    **dict.fromkeys(["Comparison", "run_comparison"], ".compare"),
    **dict.fromkeys(["Experiment", "load_experiment"], ".design"),
    **dict.fromkeys(["SweepReport", "run_sweep"], ".sweep"),
    "SweepStore": ".store",
    **dict.fromkeys(["TARGETS", "baseline_outcomes", "check_targets"], ".validation"),
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)
