"""Pytest fixtures shared by the ecosim tests (sizes and helpers live in ``support.py``)."""

from __future__ import annotations

import matplotlib
import pytest
from support import SMALL

from ecosim import EcosystemModel

matplotlib.use("Agg")


@pytest.fixture
def small_model() -> EcosystemModel:
    """A freshly built SMALL model (seed 1), not stepped."""
    return EcosystemModel(seed=1, **SMALL)
