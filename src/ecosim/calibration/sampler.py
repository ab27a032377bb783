"""A pyabc sampler whose result does not depend on the number of workers.

pyabc's own parallel samplers accept particles in the order evaluations finish, so
two runs with the same seed differ as soon as they use different workers. This sampler
gives candidate ``i`` of generation ``t`` its own seed (NumPy's global generator, which
pyabc's priors, kernels and acceptors use, is seeded from ``(seed, t, i)`` before the
candidate is drawn), evaluates candidates in batches on any executor (a process pool,
a Dask cluster, or in this process) and keeps them in candidate order, up to the
``n``-th accepted one. The generation is therefore the same for 1, 2 or 64 workers, and
after a resume (pyabc stores each finished generation; a killed one is redone with the
same seeds).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

__all__ = ["OrderedSampler", "candidate_seed"]

_CACHE: dict[str, Any] = {}


def candidate_seed(seed: int, t: int, i: int) -> int:
    """The 32-bit seed of candidate ``i`` of generation ``t`` (``t = -1``: pyabc's
    calibration sample from the prior)."""
    return int(np.random.SeedSequence([seed, t + 1, i]).generate_state(1)[0])


def _evaluate(key: str, blob: bytes, seeds: list[int]) -> list[Any]:
    """In a worker: unpickle pyabc's ``simulate_one`` once per generation and draw one
    candidate per seed (global NumPy/random state saved and restored)."""
    fn = _CACHE.get(key)
    if fn is None:
        _CACHE.clear()
        fn = _CACHE[key] = cloudpickle.loads(blob)
    state, pystate = np.random.get_state(), random.getstate()
    try:
        out = []
        for s in seeds:
            np.random.seed(s)
            random.seed(s)
            out.append(fn())
        return out
    finally:
        np.random.set_state(state)
        random.setstate(pystate)


class OrderedSampler(Sampler):
    """Deterministic batch sampler for :class:`pyabc.ABCSMC`.

    Args:
        executor: where candidates run (``None``: in this process).
        capacity: parallel slots of the executor (sizes the batches).
        seed: the calibration's seed.
        progress: a callable ``progress(t, accepted, n, evaluations)`` called after each
            batch, or ``None``.
        chunk: candidates per task sent to the executor.
    """

    def __init__(self, executor: Executor | None, capacity: int, seed: int,
                 progress: Callable[[int, int, int, int], None] | None = None,
                 chunk: int = 4) -> None:
        super().__init__()
        self.executor = executor
        self.capacity = max(1, int(capacity))
        self.seed = int(seed)
        self.progress = progress
        self.chunk = max(1, int(chunk))
        self.computed_ = 0  # evaluations run, including discarded ones past the n-th

    def __getstate__(self) -> dict[str, Any]:  # the executor stays in the parent
        return {**self.__dict__, "executor": None, "progress": None}

    def _run(self, key: str, blob: bytes, seeds: list[int]) -> list[Any]:
        if self.executor is None:
            return _evaluate(key, blob, seeds)
        parts = [seeds[i:i + self.chunk] for i in range(0, len(seeds), self.chunk)]
        futures = [self.executor.submit(_evaluate, key, blob, p) for p in parts]
        return [r for f in futures for r in f.result()]

    def sample_until_n_accepted(self, n: int, simulate_one: Callable[[], Any], t: int, *,
                                max_eval: float = np.inf, all_accepted: bool = False,
                                ana_vars: Any = None) -> Any:
        """Candidates ``0, 1, 2, ...`` of generation ``t`` in order, until ``n`` are
        accepted (or ``max_eval`` evaluated)."""
        blob = cloudpickle.dumps(simulate_one)
        key = hashlib.sha256(blob).hexdigest()
        sample = self._create_empty_sample()
        accepted = evaluated = 0
        rate = 1.0 if all_accepted else 0.3
        while accepted < n and evaluated < max_eval:
            need = (n - accepted) / max(rate, 0.02) * 1.2
            size = int(min(max(need, self.capacity), 8 * self.capacity * self.chunk))
            size = int(min(size, max_eval - evaluated)) if np.isfinite(max_eval) else size
            seeds = [candidate_seed(self.seed, t, evaluated + j) for j in range(size)]
            batch = self._run(key, blob, seeds)
            self.computed_ += len(batch)
            got = 0
            for particle in batch:
                if accepted >= n:
                    break
                sample.append(particle)
                evaluated += 1
                if particle.accepted:
                    accepted += 1
                    got += 1
            rate = max(got / max(len(batch), 1), 0.5 * rate)
            if self.progress is not None:
                self.progress(t, accepted, n, evaluated)
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample
