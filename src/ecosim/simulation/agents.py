"""Schools, enterprises and government: the few, deliberate actors (Mesa agents).

Each School and Enterprise agent is a Mesa agent whose state lives in the model's
tables (``model.schools`` / ``model.firms``, :mod:`ecosim.simulation.state`), one row
per agent, so that a process can update all enterprises in one NumPy operation while
each agent remains an object that the app, the tests and modellers can inspect
(``agent.awareness``, ``agent.partners``...). The decisions themselves are written once,
in bulk, in the process modules of :mod:`ecosim.simulation.processes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from .processes.curricula import alignment
from .state import SIZE_CLASSES

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation as EcosystemModel

__all__ = ["School", "Enterprise", "Government", "SCHOOL_TYPES", "SIZE_CLASSES"]

SCHOOL_TYPES: tuple[str, ...] = ("secondary_vocational", "higher_vocational", "university")


def _view(table: str, field: str, doc: str) -> property:
    def get(self: Any) -> Any:
        value = getattr(getattr(self.model, table), field)[self.index]
        return value.item() if hasattr(value, "item") else value

    def set_(self: Any, value: Any) -> None:
        getattr(getattr(self.model, table), field)[self.index] = value

    return property(get, set_, doc=doc)


class School(mesa.Agent):
    """A secondary vocational school, higher vocational college or university.

    Attributes are views of row :attr:`index` of ``model.schools``.
    """

    school_type_code = _view("schools", "school_type", "0 secondary voc., 1 higher voc., 2 univ.")
    district = _view("schools", "district", "district of the school")
    n_teachers = _view("schools", "teachers", "number of teachers")
    dual_qualified_share = _view("schools", "dual_qualified", "share of dual-qualified teachers")
    practical_share = _view("schools", "practical", "share of practical teaching")
    resources = _view("schools", "resources", "stock of shared resources (yuan)")
    budget = _view("schools", "budget", "earmarked budget not yet spent (yuan)")
    management_quality = _view("schools", "management", "timely support in practice")
    career_intensity = _view("schools", "career", "career-service intensity (0–1)")

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def school_type(self) -> str:
        """Type of school, one of :data:`SCHOOL_TYPES`."""
        return SCHOOL_TYPES[self.school_type_code]

    @property
    def seats(self) -> dict[str, float]:
        """Yearly intake seats per programme (sector name → seats)."""
        row = self.model.schools.seats[self.index]
        return {s.name: float(row[k]) for k, s in enumerate(self.model.sectors)}

    @property
    def alignment(self) -> dict[str, float]:
        """Curriculum alignment of each programme with its sector frontier (0–1)."""
        row = alignment(self.model)[self.index]
        return {s.name: float(row[k]) for k, s in enumerate(self.model.sectors)}

    @property
    def partners(self) -> list[Enterprise]:
        """Enterprises this school has an active partnership with."""
        return [self.model.network.nodes[n]["agent"] for n in self.model.network[self.unique_id]]


class Enterprise(mesa.Agent):
    """An enterprise of one sector. Attributes are views of ``model.firms`` row ``index``."""

    sector_index = _view("firms", "sector", "sector number")
    size = _view("firms", "size", "staff")
    district = _view("firms", "district", "district")
    tech_level = _view("firms", "tech", "technology level relative to the frontier (0–1)")
    awareness = _view("firms", "awareness", "awareness of the benefits of cooperation (0–1)")
    ip_sensitivity = _view("firms", "ip_sensitivity", "reluctance to share core technology")
    mentor_capacity = _view("firms", "mentors", "interns it can mentor at depth 1")
    certified = _view("firms", "certified", "certified industry–education integration enterprise")
    experience = _view("firms", "experience", "realised net benefit per intern (yuan, EMA)")
    vacancies = _view("firms", "vacancies", "open vacancies")

    def __init__(self, model: EcosystemModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def sector(self) -> str:
        """Name of the enterprise's sector."""
        return self.model.sectors[self.sector_index].name

    @property
    def partners(self) -> list[School]:
        """Schools this enterprise has an active partnership with."""
        return [self.model.network.nodes[n]["agent"] for n in self.model.network[self.unique_id]]


class Government(mesa.Agent):
    """The regional government: budget, policy levers and a ledger of spending.

    Attributes:
        budget_per_step: budget for integration instruments each semester (yuan).
        ledger: cumulative spending per instrument (yuan).
        spent_step: spending per instrument in the current step (yuan).
        ration: share of budget-capped claims paid in the latest step (1 = all).
        year_ration: the lower ration of the latest two steps (a year): claims come in
            yearly waves (placements happen once a year), so yearly rules read this.
    """

    INSTRUMENTS: tuple[str, ...] = (
        "internship_subsidy",
        "tax_credit",
        "resource_sharing",
        "teacher_practice",
        "promotion",
        "platform",
        "career_services",
    )

    def __init__(self, model: EcosystemModel) -> None:
        super().__init__(model)
        self.ledger = dict.fromkeys(self.INSTRUMENTS, 0.0)
        self.spent_step = dict.fromkeys(self.INSTRUMENTS, 0.0)
        self.ration = 1.0
        self.year_ration = 1.0

    @property
    def budget_per_step(self) -> float:
        """This semester's budget from the levers in force (yuan): half the yearly
        ``government_budget``; pilot cities get central co-funding (× 1.5, ODD §7.2)."""
        p = self.model.p
        return p.government_budget * 1e6 * (1.5 if p.pilot_city else 1.0) / 2.0

    def pay(self, claims: dict[str, float], uncapped: dict[str, float]) -> float:
        """Pay this step's claims within the budget.

        Budget-capped claims are all scaled by one ration factor when they exceed the
        budget; ``uncapped`` claims (the tax credit, a tax expenditure) are paid in full.

        Returns:
            The ration factor applied (1 when the budget sufficed).
        """
        total = sum(claims.values())
        previous = self.ration
        self.ration = 1.0 if total <= self.budget_per_step or total == 0 else (
            self.budget_per_step / total
        )
        self.spent_step = dict.fromkeys(self.INSTRUMENTS, 0.0)
        for name, amount in claims.items():
            self.spent_step[name] = amount * self.ration
        self.year_ration = min(previous, self.ration)
        for name, amount in uncapped.items():
            self.spent_step[name] = amount
        for name, amount in self.spent_step.items():
            self.ledger[name] += amount
        return self.ration

    @property
    def spending_step(self) -> float:
        """Total spending in the current step, all instruments (yuan)."""
        return float(sum(self.spent_step.values()))
