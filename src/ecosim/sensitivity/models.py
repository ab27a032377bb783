"""Function models (``model = "module:function"`` / ``--model``): any importable Python
function of named keyword inputs returning a dict of named outputs, analysed instead of
ecosim. A function that accepts ``seed`` gets the run's seed. See
:mod:`ecosim.testfunctions` for the known-answer Ishigami function.

An experiment file naming a model is code: importing and calling ``module:function``
runs whatever that module does. Only the functions shipped in
:mod:`ecosim.testfunctions` (:data:`SHIPPED_MODEL_MODULES`) are always allowed; any other
model named in a file is refused (:func:`check_model_allowed`) unless the user passes
``--allow-model`` (``allow_model=True`` in Python). A model given explicitly
(``--model`` on the command line, ``model=`` in Python) is the user's own choice and
allowed. The allowance travels with the picklable :class:`FunctionRun`, so a worker
never imports a model the parent did not allow.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SensitivityError
from ..experiments.design import Experiment
from ..experiments.store import STATUS_FAILED, STATUS_OK
from ..params import suggest

__all__ = ["resolve_model", "model_hash", "accepts", "is_deterministic", "call_model",
           "FunctionRun", "FunctionExperiment", "SHIPPED_MODEL_MODULES", "TRUST_HINT",
           "is_shipped", "check_model_allowed"]

_FN_CACHE: dict[str, Any] = {}

#: Modules whose functions are always allowed as models: ecosim's own test functions.
#: (Not all of ``ecosim``: some of its functions write or delete files.)
SHIPPED_MODEL_MODULES = ("ecosim.testfunctions",)
#: What a refused model is told (one line, with the file and the model before it).
TRUST_HINT = ("an experiment file naming a model is code; pass --allow-model if you "
              "trust it (allow_model=True in Python)")


def _check_spec(spec: Any) -> None:
    if not isinstance(spec, str) or spec.count(":") != 1 or not all(spec.split(":")):
        raise SensitivityError(f"model = {spec!r} is not allowed: expected 'module:function', "
                               "e.g. ecosim.testfunctions:ishigami")


def is_shipped(spec: Any) -> bool:
    """Whether ``spec`` names a function of a module shipped as a model with ecosim
    (decided from the name alone: nothing is imported)."""
    return (isinstance(spec, str) and spec.count(":") == 1
            and spec.split(":")[0] in SHIPPED_MODEL_MODULES)


def check_model_allowed(where: Path | str, spec: Any, allow: bool) -> None:
    """Refuse a model outside :data:`SHIPPED_MODEL_MODULES` unless ``allow`` (nothing
    is imported).

    Raises:
        SensitivityError: one line naming ``where`` (the file), the model and
            :data:`TRUST_HINT`.
    """
    try:
        _check_spec(spec)
    except SensitivityError as e:
        raise SensitivityError(f"{where}: {e}") from None
    if not allow and not is_shipped(spec):
        raise SensitivityError(f"{where}: model = {spec!r} is not a model shipped with "
                               f"ecosim: {TRUST_HINT}")


def resolve_model(spec: str) -> Any:
    """Import ``module:function`` and return the function.

    Raises:
        SensitivityError: a malformed spec, a module that cannot be imported, a missing
            or non-callable attribute.
    """
    if spec in _FN_CACHE:
        return _FN_CACHE[spec]
    _check_spec(spec)
    mod_name, fn_name = spec.split(":")
    try:
        mod = importlib.import_module(mod_name)
    except Exception as e:
        raise SensitivityError(f"model = {spec!r}: cannot import module '{mod_name}' "
                               f"({type(e).__name__}: {e})") from None
    fn = getattr(mod, fn_name, None)
    if fn is None or not callable(fn):
        names = [n for n, v in vars(mod).items() if callable(v) and not n.startswith("_")]
        raise SensitivityError(f"model = {spec!r}: module '{mod_name}' has no function "
                               f"'{fn_name}'{suggest(fn_name, names)}")
    _FN_CACHE[spec] = fn
    return fn


def model_hash(spec: str) -> str:
    """SHA-256 (16 hex) of the source file of a function model (resume safety)."""
    fn = resolve_model(spec)
    try:
        src = inspect.getsourcefile(fn)
        data = Path(src).read_bytes() if src else spec.encode()
    except (TypeError, OSError):
        data = spec.encode()
    return hashlib.sha256(data).hexdigest()[:16]


def accepts(fn: Any) -> tuple[set[str], bool, set[str]]:
    """Keyword names a function accepts, whether it takes ``**kwargs``, required names."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return set(), True, set()
    names, required, var_kw = set(), set(), False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            names.add(p.name)
            if p.default is p.empty:
                required.add(p.name)
    return names, var_kw, required


def is_deterministic(spec: str | None) -> bool:
    """A function model without a ``seed`` input is deterministic (no seed noise)."""
    if not spec:
        return False
    try:
        names, var_kw, _ = accepts(resolve_model(spec))
    except SensitivityError:
        return False
    return "seed" not in names and not var_kw


def call_model(fn: Any, params: dict[str, Any], seed: int) -> dict[str, float]:
    names, var_kw, _ = accepts(fn)
    kwargs = dict(params)
    if "seed" in names and "seed" not in kwargs:
        kwargs["seed"] = int(seed)
    out = fn(**kwargs)
    if not isinstance(out, dict):
        raise TypeError(f"the model returned {type(out).__name__}, expected a dict of "
                        "named outputs")
    return {str(k): float(v) for k, v in out.items()}


@dataclass(frozen=True)
class FunctionRun:
    """Picklable run function for :func:`~ecosim.experiments.sweep.run_sweep` calling
    ``model``.

    Attributes:
        model: ``module:function``; the function gets the task's parameters (and its
            seed if it accepts ``seed``) and returns a dict of named outputs.
        allowed: the parent allowed this model (``--allow-model``); without it a worker
            imports only models shipped with ecosim (checked again here).
    """

    model: str
    allowed: bool = False

    def __call__(self, task: Any) -> dict[str, Any]:
        """Run one task; never raises (a failure is returned with its traceback)."""
        import os
        import socket

        t0 = time.perf_counter()
        outcomes: dict[str, float] = {}
        error = None
        try:
            check_model_allowed("worker", self.model, self.allowed)
            res = call_model(resolve_model(self.model), task.params, task.seed)
            missing = [o for o in task.outcomes if o not in res]
            if missing:
                raise KeyError(f"the model returned no output {missing[0]!r} "
                               f"(it returned: {', '.join(res) or 'nothing'})")
            outcomes = {o: res[o] for o in task.outcomes}
            status = STATUS_OK
        except Exception:
            status, error = STATUS_FAILED, traceback.format_exc()
        return {"run_id": task.run_id, "status": status, "outcomes": outcomes,
                "series": None, "error": error, "runtime_s": time.perf_counter() - t0,
                "worker": f"{socket.gethostname()}:{os.getpid()}",
                "worker_rss_mb": float("nan")}


@dataclass
class FunctionExperiment(Experiment):
    """An experiment on a Python function instead of ecosim (``model`` set).

    Attributes:
        model: ``module:function``.
        allow_model: the user allowed this model (``--allow-model``, ``allow_model=True``
            or an explicit ``--model`` / ``model=``); a model outside ecosim runs only then.
        imported: the model was imported when loading (its inputs are checked against
            its signature); ``False`` after a dry run, which imports nothing.
    """

    model: str = ""
    allow_model: bool = False
    imported: bool = True
