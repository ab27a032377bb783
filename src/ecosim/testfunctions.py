"""Known-answer test functions for the sensitivity-analysis pipeline.

Each is a plain Python function of named keyword inputs returning a dict of named
outputs, the form ``ecosim sensitivity --model module:function`` analyses::

    ecosim sensitivity experiments/ishigami_sobol.toml   # model = "ecosim.testfunctions:ishigami"

The analytic Sobol' indices of the Ishigami function (Ishigami & Homma 1990; Sobol' &
Levitan 1999) are computed by :func:`ishigami_indices` from their closed form, not
typed in: for a = 7, b = 0.1, S1 ≈ (0.314, 0.442, 0) and ST ≈ (0.558, 0.442, 0.244).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ishigami", "noisy_ishigami", "ishigami_indices", "ISHIGAMI_BOUNDS",
           "linear_gaussian", "LINEAR_GAUSSIAN_TRUTH", "LINEAR_GAUSSIAN_SD"]

#: Inputs of the Ishigami function are uniform on [-π, π].
ISHIGAMI_BOUNDS = (-math.pi, math.pi)


def ishigami(x1: float, x2: float, x3: float, a: float = 7.0, b: float = 0.1
             ) -> dict[str, float]:
    """The Ishigami function ``sin x1 + a sin² x2 + b x3⁴ sin x1``.

    Args:
        x1: input on [-π, π].
        x2: input on [-π, π].
        x3: input on [-π, π] (acts only through its interaction with x1).
        a: weight of the additive x2 term (7 in the literature).
        b: weight of the x1–x3 interaction (0.1 in the literature).

    Returns:
        ``{"y": value}``.
    """
    s1 = math.sin(x1)
    return {"y": s1 + a * math.sin(x2) ** 2 + b * x3 ** 4 * s1}


def noisy_ishigami(x1: float, x2: float, x3: float, seed: int, noise_sd: float = 1.0,
                   a: float = 7.0, b: float = 0.1) -> dict[str, float]:
    """Ishigami plus Gaussian noise seeded by the run's seed: a stand-in stochastic model.

    Args:
        x1: input on [-π, π].
        x2: input on [-π, π].
        x3: input on [-π, π].
        seed: the run's seed (the pipeline passes it to functions that accept ``seed``).
        noise_sd: standard deviation of the noise.
        a: see :func:`ishigami`.
        b: see :func:`ishigami`.

    Returns:
        ``{"y": value with noise, "y_clean": value without}``.
    """
    clean = ishigami(x1, x2, x3, a, b)["y"]
    eps = float(np.random.default_rng(seed).normal(0.0, noise_sd))
    return {"y": clean + eps, "y_clean": clean}


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, dict[str, float]]:
    """Analytic first-order (``S1``), total (``ST``) and second-order (``S2``) indices
    of the Ishigami function.

    With inputs uniform on [-π, π]: V1 = ½(1 + bπ⁴/5)², V2 = a²/8,
    V13 = b²π⁸(1/18 − 1/50), V = V1 + V2 + V13; x3 has no first-order effect, and the
    only interaction is x1 × x3, so S2(x1, x3) = V13 / V and the other pairs are 0.

    Returns:
        ``{"S1": {"x1": ..., "x2": ..., "x3": ...}, "ST": {...},
        "S2": {"x1×x2": ..., "x1×x3": ..., "x2×x3": ...}}`` (pairs named as in the
        sensitivity tables).
    """
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v},
            "S2": {"x1×x2": 0.0, "x1×x3": v13 / v, "x2×x3": 0.0}}


#: True values of :func:`linear_gaussian` in the known-answer calibration test.
LINEAR_GAUSSIAN_TRUTH = {"a": 0.3, "b": -0.2, "c": 0.5}
#: Its noise standard deviation.
LINEAR_GAUSSIAN_SD = 0.05


def linear_gaussian(a: float, b: float, c: float, seed: int = 0) -> dict[str, float]:
    """Three noisy linear outputs of three inputs, for known-answer calibration tests.

    ``y1 = a + e1``, ``y2 = a + b + e2``, ``y3 = b − c + e3`` with independent
    ``e ~ N(0, 0.05²)``: every input is identified, and with flat priors the exact
    posterior given observations ``y`` is Gaussian with mean ``A⁻¹ y``.
    """
    e = np.random.default_rng(seed).normal(0.0, LINEAR_GAUSSIAN_SD, 3)
    return {"y1": a + e[0], "y2": a + b + e[1], "y3": b - c + e[2]}
