"""Mechanism tests: each of the 13 processes of DESIGN §4 does what it says.

Process methods are called directly on a small model (``model.steps`` stays 0 unless
``step()`` is used, which Mesa increments before the step body runs). Comparisons of two
parameter values use the same seed where the parameter is not read during set-up, so
both models start from the identical state ("paired" comparisons).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from support import SMALL, TINY, make_model

from ecosim import OUTCOMES, EcosystemModel
from ecosim.simulation import processes as proc
from ecosim.simulation.population import Status
from ecosim.simulation.processes.partnerships import expected_net_benefit as net_benefit
from ecosim.simulation.schedule import SCHEDULE
from ecosim.simulation.state import SIZE_CLASSES

PROCESS_ORDER = (
    "move_technology_and_demand", "run_government", "update_partnerships", "share_resources",
    "train_teachers", "update_curricula", "place_interns", "learn", "graduate",
    "update_workforce", "match_labour_market", "enrol", "enterprises_learn", "collect_data",
)


def _final_year_vocational(m: EcosystemModel) -> np.ndarray:
    """Vocational students in their final semester: those who do the compulsory placement."""
    pop = m.pop
    return ((pop.status == Status.ENROLLED) & (pop.school_type < 2)
            & (pop.semester == pop.length - 1))


def _to_graduation(m: EcosystemModel) -> None:
    """Processes 1–10 on a fresh model: a cohort graduates, workers leave, search and
    open vacancies for the graduates."""
    for process in SCHEDULE[:10]:
        process.run(m)


# ------------------------------------------------------------------------------------
# The schedule
# ------------------------------------------------------------------------------------
def test_step_runs_the_14_processes_in_design_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """step() calls the processes in DESIGN §4 order; enrolment only on odd steps."""
    m = make_model()
    calls: list[tuple[int, str]] = []
    assert tuple(p.function for p in SCHEDULE) == PROCESS_ORDER
    for process in SCHEDULE:
        original = getattr(process.module, process.function)

        def wrapped(*a: Any, _name: str = process.function, _orig: Any = original,
                    **k: Any) -> Any:
            calls.append((m.steps, _name))
            return _orig(*a, **k)

        monkeypatch.setattr(process.module, process.function, wrapped)
    m.step()
    m.step()
    step1 = [n for s, n in calls if s == 1]
    step2 = [n for s, n in calls if s == 2]
    assert step1 == list(PROCESS_ORDER)
    assert step2 == [n for n in PROCESS_ORDER if n != "enrol"]


@pytest.mark.parametrize("process", SCHEDULE, ids=[p.function for p in SCHEDULE])
def test_each_process_runs_on_a_fresh_model(process: Any) -> None:
    """Every process can be run on its own right after construction."""
    m = make_model()
    aware = m.firms.awareness.copy()
    process.run(m)
    assert m.pop.n > 0 and m.firms.awareness.shape == aware.shape


def test_enrolment_happens_only_on_odd_steps() -> None:
    """A new cohort enters once a year (odd steps); even steps admit nobody."""
    m = make_model()
    for _ in range(6):
        before = m.book.entered
        m.step()
        if m.steps % 2 == 1:
            assert m.book.entered > before, m.steps
            assert m.book.entered - before <= m.p.cohort_size
        else:
            assert m.book.entered == before, m.steps


# ------------------------------------------------------------------------------------
# 1 Technology and demand
# ------------------------------------------------------------------------------------
def test_frontier_advances_by_rate_times_sector_multiplier() -> None:
    """Each sector's frontier moves by tech_change_rate × its own multiplier."""
    m = make_model(tech_change_rate=0.05)
    expected_mult = np.array([s.tech_multiplier for s in m.sectors])
    for i in range(1, 4):
        proc.technology.move_technology_and_demand(m)
        np.testing.assert_allclose(m.industry.frontier, i * 0.05 * expected_mult)
    assert m.industry.frontier.argmax() == expected_mult.argmax()  # IT moves fastest


def test_technology_shock_jumps_the_frontier_once() -> None:
    """At tech_shock_step every frontier jumps by tech_shock_size, at no other step."""
    m = make_model(tech_change_rate=0.02, tech_shock_step=2, tech_shock_size=0.3)
    trend = 0.02 * m.industry.tech
    previous = m.industry.frontier.copy()
    for step in (1, 2, 3):
        m.step()
        jump = 0.3 if step == 2 else 0.0
        np.testing.assert_allclose(m.industry.frontier - previous, trend + jump)
        previous = m.industry.frontier.copy()


def test_frontier_skill_goes_stale_when_frontier_moves() -> None:
    """Students' frontier skill is measured against the frontier: it falls by the move."""
    m = make_model(tech_change_rate=0.1)
    before = m.pop.competency.copy()
    proc.technology.move_technology_and_demand(m)
    d = 0.1 * m.industry.tech[m.pop.programme]
    np.testing.assert_allclose(m.pop.competency[:, 0], np.maximum(before[:, 0] - d, 0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(m.pop.competency[:, 1:], before[:, 1:])


def test_demand_index_grows_with_sector_and_regional_growth() -> None:
    """demand index × sqrt(1 + scale × sector growth + demand_growth) each semester
    (yearly rate); with the default scale 0 the sectors' own growth is off."""
    m = make_model(demand_growth=0.1, sector_growth_scale=0.5)
    m.steps = 1  # a reported semester (the spin-up has no trend: next test)
    proc.technology.move_technology_and_demand(m)
    proc.technology.move_technology_and_demand(m)
    np.testing.assert_allclose(m.industry.demand_index, 1 + 0.5 * m.industry.growth + 0.1)
    flat = make_model()
    flat.steps = 1
    proc.technology.move_technology_and_demand(flat)
    np.testing.assert_allclose(flat.industry.demand_index, 1.0)


def test_no_demand_trend_in_the_spin_up() -> None:
    """The spin-up settles the region at its starting demand: a trend starts with the
    reported semesters (a 20%-a-year trend over a 40-year spin-up once started runs at
    1,500 times the demand and exhausted the memory)."""
    m = make_model(demand_growth=0.2, sector_growth_scale=2.0, spinup_steps=20)
    np.testing.assert_allclose(m.industry.demand_index, 1.0)
    m.step()
    assert (m.industry.demand_index > 1.0).all()


def test_draw_firms_tickets_and_cumulative_search_agree() -> None:
    """Integer weights are drawn from tickets below MAX_TICKETS and by the cumulative
    search above it: the same firms for the same random numbers."""
    from ecosim.simulation import sampling

    draws = {}
    for limit in (10**9, 0):
        m = make_model(seed=4)
        m.rng = np.random.default_rng(0)
        weights = np.random.default_rng(1).integers(0, 5, m.firms.n)
        sector = np.random.default_rng(2).integers(0, m.K, 3000)
        district = np.where(np.arange(3000) % 2 == 0, sector % m.p.n_districts, -1)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sampling, "MAX_TICKETS", limit)
            draws[limit] = sampling.draw_firms(m, sector, district, weights=weights)
    assert (draws[0] >= 0).mean() > 0.5
    np.testing.assert_array_equal(draws[0], draws[10**9])


def test_vacancies_are_target_positions_minus_headcount() -> None:
    """Before anyone searches, an enterprise's vacancies are its target positions (at
    this step's demand) less the workers it employs."""
    m = make_model(demand_growth=0.0)
    captured = {}
    original = proc.workforce._search

    def spy(model: EcosystemModel, vac: np.ndarray, book: dict, reserve: np.ndarray
            ) -> np.ndarray:
        f = model.firms
        target = np.floor(f.positions * model.industry.demand_index[f.sector] + f.round_u)
        captured["ok"] = np.array_equal(vac, np.maximum(target.astype(np.int64)
                                                        - f.headcount, 0))
        return original(model, vac, book, reserve)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(proc.workforce, "_search", spy)
        proc.technology.move_technology_and_demand(m)
        proc.workforce.update_workforce(m)
    assert captured["ok"]


def test_more_demand_growth_opens_more_vacancies() -> None:
    """Over five years, strong demand growth opens more vacancies than decline."""
    totals = {}
    for g in (-0.1, 0.2):
        m = make_model(demand_growth=g)
        total = 0
        for _ in range(10):
            m.step()
            total += m.ledger.flows.new_vacancies
        totals[g] = total
    assert totals[0.2] > totals[-0.1] * 1.5, totals


# ------------------------------------------------------------------------------------
# 2 Government
# ------------------------------------------------------------------------------------
def _depth_sum_from_graph(m: EcosystemModel) -> np.ndarray:
    """Summed partnership depth per enterprise, read from the networkx graph."""
    out = np.zeros(m.p.n_enterprises)
    for a in m.enterprise_agents:
        out[a.index] = sum(d["depth"] for _, _, d in m.network.edges(a.unique_id, data=True))
    return out


@pytest.mark.parametrize("threshold", [1, 2, 3, 4])
def test_certification_follows_threshold(threshold: int) -> None:
    """Enterprises are certified exactly when their summed depth reaches the threshold."""
    m = make_model(certification_threshold=threshold, initial_partnerships=0.5,
                   initial_deep_share=0.5)
    assert not m.firms.certified.any()
    proc.government.run_government(m)
    depth_sum = _depth_sum_from_graph(m)
    np.testing.assert_array_equal(m.firms.certified, depth_sum >= threshold)
    if threshold <= 3:
        assert m.firms.certified.any()


def test_pilot_city_brings_co_funding_only() -> None:
    """Issue 11: a pilot city certifies at its scenario's threshold (no extra point off)
    and campaigns as hard as its promotion lever says (no free awareness); what it
    gets is central co-funding, a 1.5× budget."""
    runs = {}
    for pilot in (False, True):
        m = make_model(certification_threshold=3, pilot_city=pilot, initial_partnerships=0.5,
                       initial_deep_share=0.5, promotion_intensity=0.0)
        before = m.firms.awareness.copy()
        proc.government.run_government(m)
        np.testing.assert_array_equal(m.firms.certified, _depth_sum_from_graph(m) >= 3)
        np.testing.assert_array_equal(m.firms.awareness, before)
        runs[pilot] = m.government.budget_per_step
    assert runs[True] == pytest.approx(1.5 * runs[False])


def test_ample_budget_pays_every_claim() -> None:
    """With an ample budget nothing is rationed; schools get a semester's allowance of
    teacher-practice funding, and spending is booked only when they use it: what
    process 5 spent is paid in the next step's government process (issue 11)."""
    m = make_model(government_budget=500.0, teacher_practice_funding=100_000.0)
    proc.government.run_government(m)
    g = m.government
    assert g.ration == 1.0
    assert g.spent_step["teacher_practice"] == 0.0  # nothing used yet
    budgets = m.schools.budget
    voc = m.schools.school_type < 2
    np.testing.assert_allclose(budgets[voc], 50_000.0)
    np.testing.assert_allclose(budgets[~voc], 0.0)
    assert g.ledger == g.spent_step
    proc.teachers.train_teachers(m)
    used = float((50_000.0 - m.schools.budget[voc]).sum())
    assert used > 0 and m.ledger.teacher_practice_used == pytest.approx(used)
    proc.government.run_government(m)
    assert g.spent_step["teacher_practice"] == pytest.approx(used)


def test_unused_teacher_practice_allowance_lapses_after_a_year() -> None:
    """A school that cannot place teachers does not pile up funding: its allowance is
    capped at one year's funding, and nothing unused is booked as spending."""
    m = make_model(government_budget=500.0, teacher_practice_funding=100_000.0,
                   teacher_practice_cost=60_000.0)
    voc = m.schools.school_type < 2
    for _ in range(6):
        proc.government.run_government(m)
    assert (m.schools.budget[voc] <= 100_000.0 + 1e-9).all()
    assert m.government.ledger["teacher_practice"] == 0.0


def test_budget_rations_claims_when_it_runs_out() -> None:
    """Claims above the budget are scaled so capped spending equals the budget."""
    m = make_model(government_budget=0.1, teacher_practice_funding=1_000_000.0,
                   platform_level=1.0, promotion_intensity=1.0)
    proc.government.run_government(m)
    g = m.government
    capped = sum(v for k, v in g.spent_step.items() if k != "tax_credit")
    assert 0 < g.ration < 1
    assert capped == pytest.approx(g.budget_per_step)
    assert g.budget_per_step == pytest.approx(0.1e6 / 2)


def test_no_budget_pays_nothing_but_the_tax_credit() -> None:
    """The tax credit is a tax expenditure: paid even when the budget is zero."""
    m = make_model(government_budget=0.0, certification_threshold=1, tax_credit_rate=0.6,
                   initial_partnerships=0.5)
    m.run(6)
    df = m.outcomes_frame().iloc[1:]
    capped = [c for c in df.columns if c.startswith("spending_") and c != "spending_tax_credit"]
    assert (df[capped] == 0).all().all()
    assert (df["spending_tax_credit"] > 0).any()
    np.testing.assert_allclose(df["government_spending"], df["spending_tax_credit"])


def test_fixed_subsidy_without_a_participation_target() -> None:
    """participation_target = 0 (the default): the subsidy never moves."""
    m = make_model(internship_subsidy=2500.0)
    m.run(8)
    assert (m.outcomes_frame()["internship_subsidy_level"] == 2500.0).all()


def test_adaptive_rule_raises_the_subsidy_below_target_once_a_year() -> None:
    """Below the target with an ample budget: +adaptive_subsidy_step every odd step
    from step 3 (once a year, from the second year), never more. The rule moves the
    subsidy in force (``model.p``); the declared lever (``model.params``) keeps its value."""
    m = make_model(participation_target=0.95, government_budget=500.0)
    levels = []
    for _ in range(9):
        m.step()
        assert m.government.ration == 1.0
        levels.append(m.p.internship_subsidy)
    steps_ = np.arange(1, 10)
    raises = np.maximum((steps_ - 1) // 2, 0)  # steps 3, 5, 7, 9 raise it
    np.testing.assert_allclose(levels, raises * m.p.adaptive_subsidy_step)
    assert m.params["internship_subsidy"] == 0.0  # the declared value is kept
    assert m.p.internship_subsidy == 4 * m.p.adaptive_subsidy_step  # the value in force
    np.testing.assert_allclose(m.outcomes_frame()["internship_subsidy_level"].iloc[1:], levels)


def test_adaptive_rule_lowers_the_subsidy_above_target_and_when_rationed() -> None:
    """Above the target (by more than the band) the subsidy falls to the lever's
    minimum; a budget that rations claims also pushes it down, even below target."""
    above = make_model(participation_target=0.01, internship_subsidy=1500.0,
                       initial_partnerships=0.5, government_budget=500.0)
    above.run(9)
    assert above.p.internship_subsidy == 0.0 < above.params["internship_subsidy"]
    rationed = make_model(participation_target=0.95, internship_subsidy=1500.0,
                          government_budget=0.0, initial_partnerships=0.5)
    rationed.run(9)
    assert rationed.p.internship_subsidy == 0.0


def test_pilot_city_gets_central_co_funding() -> None:
    """Pilot cities have 1.5 × the regional budget."""
    plain = make_model(government_budget=40.0)
    pilot = make_model(government_budget=40.0, pilot_city=True)
    assert pilot.government.budget_per_step == pytest.approx(1.5 * plain.government.budget_per_step)


def test_promotion_raises_awareness() -> None:
    """Promotion campaigns raise every enterprise's awareness; none leaves it unchanged."""
    m0, m1 = make_model(promotion_intensity=0.0), make_model(promotion_intensity=1.0)
    a0, a1 = m0.firms.awareness.copy(), m1.firms.awareness.copy()
    np.testing.assert_array_equal(a0, a1)  # paired: same start
    proc.government.run_government(m0)
    proc.government.run_government(m1)
    np.testing.assert_array_equal(m0.firms.awareness, a0)
    assert (m1.firms.awareness >= a1).all()
    assert m1.firms.awareness.mean() > a1.mean() + 0.01
    assert (m1.firms.awareness <= 1).all()


# ------------------------------------------------------------------------------------
# 3 Partnerships
# ------------------------------------------------------------------------------------
def test_subsidy_adds_to_expected_net_benefit() -> None:
    """Each yuan of internship subsidy adds a yuan of perceived net benefit (no rationing)."""
    m0, m1 = make_model(internship_subsidy=0.0), make_model(internship_subsidy=3000.0)
    diff = net_benefit(m1, 1) - net_benefit(m0, 1)
    np.testing.assert_allclose(diff, 3000.0)


def test_ip_protection_and_awareness_raise_expected_net_benefit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """IP protection lowers perceived IP risk; awareness raises perceived benefits.

    With the firms' sharing held fixed, the effect holds for every firm. (Protected
    firms also share more, which costs them in full since issue 11: that side is tested
    with resource sharing.)
    """
    lo, hi = make_model(ip_protection=0.0), make_model(ip_protection=1.0)
    monkeypatch.setattr(proc.sharing, "sharing_willingness",
                        lambda model: np.full(model.p.n_enterprises, 0.5))
    d = net_benefit(hi, 2) - net_benefit(lo, 2)
    assert (d >= 0).all() and (d[lo.firms.ip_sensitivity > 0.01] > 0).all()
    m = make_model()
    base = net_benefit(m, 1)
    m.firms.awareness[:] = np.minimum(m.firms.awareness + 0.2, 1.0)
    assert (net_benefit(m, 1) >= base).all()
    assert net_benefit(m, 1).mean() > base.mean()


def test_partnerships_respect_sectors_and_graph() -> None:
    """Partners share the programme's sector, pairs are unique, the graph mirrors the table."""
    m = make_model(initial_awareness=0.8, platform_level=0.5)
    m.run(8)
    t, f = m.partnerships, m.firms
    rows = t.active_rows
    assert rows.size > 0
    school, firm, sector = t.school[rows], t.firm[rows], t.sector[rows]
    assert m.schools.offers[school, sector].all()
    np.testing.assert_array_equal(f.sector[firm], sector)
    assert len(set(zip(school.tolist(), firm.tolist(), strict=True))) == rows.size
    assert m.network.number_of_edges() == rows.size
    for r in rows:
        s_id, f_id = int(t.school_ids[t.school[r]]), int(t.firm_ids[t.firm[r]])
        assert m.network.edges[s_id, f_id]["depth"] == t.depth[r]
    assert set(t.depth[rows].tolist()) <= {1, 2, 3}


def test_a_firm_never_exceeds_its_partner_limit() -> None:
    """A firm partners with at most 1 + 1 per 10 mentors schools (model.py, step 3)."""
    over = []
    for s in range(3):
        m = make_model(seed=s, initial_awareness=0.9, platform_level=1.0,
                       initial_partnerships=0.0)
        proc.partnerships.update_partnerships(m)
        t, f = m.partnerships, m.firms
        per_firm = np.bincount(t.firm[t.active_rows], minlength=m.p.n_enterprises)
        over.append(int((per_firm > 1 + f.mentors // 10).sum()))
    assert over == [0, 0, 0], f"firms above their partner limit per seed: {over}"


def test_unsatisfied_partnerships_break_up() -> None:
    """Pairs whose firm is dissatisfied break up far more often than satisfied pairs."""
    broken = {}
    for sat in (-1.0, 0.6):
        m = make_model(initial_partnerships=0.6, initial_deep_share=0.0)
        rows = m.partnerships.active_rows
        m.partnerships.sat_firm[rows] = sat
        m.partnerships.sat_school[rows] = sat
        proc.partnerships.update_partnerships(m)
        broken[sat] = float(np.mean(~m.partnerships.active[rows]))
    assert broken[-1.0] > 0.2 and broken[0.6] < 0.12, broken
    assert broken[-1.0] > 2 * broken[0.6], broken


def test_satisfied_old_partnerships_deepen_and_dissatisfied_do_not() -> None:
    """Only old, satisfied pairs deepen (by one level, up to 3)."""
    result = {}
    for sat in (0.1, 0.9):
        m = make_model(initial_partnerships=0.6, initial_deep_share=0.0, goal_alignment=1.0,
                       resource_sharing_incentive=1.0)
        t = m.partnerships
        rows = t.active_rows
        t.age[rows] = 10
        t.sat_firm[rows] = sat
        t.sat_school[rows] = sat
        # Deepening follows realised payoff: these firms have done well.
        m.firms.experience[:] = 20_000.0
        m.firms.has_experience[:] = True
        proc.partnerships.update_partnerships(m)
        after = t.depth[rows]
        assert set(after.tolist()) <= {1, 2}
        result[sat] = int(np.count_nonzero(after == 2))
    assert result[0.1] == 0
    assert result[0.9] > 0


def test_platform_helps_schools_find_partners() -> None:
    """The cooperation platform raises the number of new partnerships formed (5 seeds)."""
    new = {}
    for level in (0.0, 1.0):
        counts = []
        for s in range(5):
            m = make_model(seed=s, platform_level=level, initial_awareness=0.7)
            before = m.partnerships.n
            proc.partnerships.update_partnerships(m)
            counts.append(m.partnerships.n - before)
        new[level] = float(np.mean(counts))
    assert new[1.0] > new[0.0], new


# ------------------------------------------------------------------------------------
# 4 Resource sharing
# ------------------------------------------------------------------------------------
def _shared_after_one_call(**kw: Any) -> EcosystemModel:
    m = make_model(initial_partnerships=0.5, initial_deep_share=0.5, **kw)
    proc.sharing.share_resources(m)
    return m


def test_ip_protection_raises_resources_shared() -> None:
    """Stronger IP protection makes every partner share more (paired, no randomness)."""
    lo, hi = _shared_after_one_call(ip_protection=0.1), _shared_after_one_call(ip_protection=0.9)
    rows = lo.partnerships.active_rows
    assert (hi.partnerships.shared_step[rows] > lo.partnerships.shared_step[rows]).all()
    assert hi.ledger.shared_total > lo.ledger.shared_total > 0


def test_sharing_incentive_raises_sharing_and_is_claimed() -> None:
    """The sharing incentive raises sharing; the claim is incentive × amount shared."""
    lo = _shared_after_one_call(resource_sharing_incentive=0.0)
    hi = _shared_after_one_call(resource_sharing_incentive=1.0)
    assert hi.ledger.shared_total > lo.ledger.shared_total
    assert lo.ledger.sharing_claims == 0.0
    assert hi.ledger.sharing_claims == pytest.approx(hi.ledger.shared_total)


def test_deeper_partnerships_share_more() -> None:
    """The same pairs share more when they are deep (depth 2–3) than as internship deals."""
    shallow = make_model(initial_partnerships=0.5, initial_deep_share=0.0)
    deep = make_model(initial_partnerships=0.5, initial_deep_share=1.0)
    rows = shallow.partnerships.active_rows
    np.testing.assert_array_equal(shallow.partnerships.firm[rows], deep.partnerships.firm[rows])
    proc.sharing.share_resources(shallow)
    proc.sharing.share_resources(deep)
    assert (deep.partnerships.shared_step[rows] > shallow.partnerships.shared_step[rows]).all()


def test_shared_resources_reach_schools() -> None:
    """School resources = 0.95 × previous (depreciation) + what partners shared."""
    m = make_model(initial_partnerships=0.5)
    m.schools.resources[:] = 1000.0
    proc.sharing.share_resources(m)
    t = m.partnerships
    rows = t.active_rows
    received = np.bincount(t.school[rows], weights=t.shared_step[rows], minlength=m.p.n_schools)
    np.testing.assert_allclose(m.schools.resources, 950.0 + received)
    assert m.ledger.shared_total == pytest.approx(received.sum())


def test_no_partnerships_no_sharing() -> None:
    """Without partnerships nothing is shared and nothing is claimed."""
    m = make_model(initial_partnerships=0.0)
    proc.sharing.share_resources(m)
    assert m.ledger.shared_total == 0.0 and m.ledger.sharing_claims == 0.0


# ------------------------------------------------------------------------------------
# 5 Teachers
# ------------------------------------------------------------------------------------
def test_without_practice_budget_dual_qualification_decays() -> None:
    """No placements: the dual-qualified share falls by attrition only (2% a semester)."""
    m = make_model()
    dq = m.schools.dual_qualified.copy()
    proc.teachers.train_teachers(m)
    np.testing.assert_allclose(m.schools.dual_qualified, dq * 0.98)


def test_teacher_practice_funding_raises_dual_qualified_share() -> None:
    """Funding sends teachers to enterprises: vocational schools' dq share rises."""
    out = {}
    for funding in (0.0, 1_000_000.0):
        m = make_model(teacher_practice_funding=funding, government_budget=500.0)
        for _ in range(3):
            proc.government.run_government(m)
            proc.teachers.train_teachers(m)
            assert (m.schools.budget >= 0).all()
        out[funding] = m.schools.dual_qualified.copy()
    voc = make_model().schools.school_type < 2
    assert (out[1_000_000.0][voc] > out[0.0][voc]).all()
    np.testing.assert_allclose(out[1_000_000.0][~voc], out[0.0][~voc])


def test_practice_budget_is_spent_in_whole_placements() -> None:
    """A teacher-semester costs 20,000 yuan; the unspent remainder stays in the budget."""
    m = make_model()
    m.schools.budget[:] = 50_000.0
    proc.teachers.train_teachers(m)
    T = m.schools.teachers
    placements = np.minimum(2, 0.2 * T)  # at most a fifth of the staff away at once
    np.testing.assert_allclose(m.schools.budget, 50_000.0 - placements * 20_000.0)
    assert (m.schools.budget >= 0).all()


# ------------------------------------------------------------------------------------
# 6 Curriculum
# ------------------------------------------------------------------------------------
def test_frozen_curricula_lose_alignment_as_frontier_moves() -> None:
    """curriculum_responsiveness = 0: programmes do not move; alignment falls."""
    m = make_model(curriculum_responsiveness=0.0, tech_change_rate=0.1)
    cur, align = m.schools.curriculum.copy(), proc.curricula.alignment(m).copy()
    proc.technology.move_technology_and_demand(m)
    proc.curricula.update_curricula(m)
    np.testing.assert_array_equal(m.schools.curriculum, cur)
    assert (proc.curricula.alignment(m) < align).all()


def test_curricula_move_toward_the_frontier_without_overshooting() -> None:
    """Responsive curricula close part of the gap, never pass the frontier."""
    m = make_model(curriculum_responsiveness=1.0, tech_change_rate=0.1)
    proc.technology.move_technology_and_demand(m)
    gap0 = m.industry.frontier[None, :] - m.schools.curriculum
    align0 = proc.curricula.alignment(m).copy()
    proc.curricula.update_curricula(m)
    gap1 = m.industry.frontier[None, :] - m.schools.curriculum
    assert (gap0 > 0).all()
    assert (gap1 >= 0).all() and (gap1 < gap0).all()
    assert (proc.curricula.alignment(m) > align0).all()


def test_deep_partnerships_speed_up_curriculum_reform() -> None:
    """The same pairs, deep instead of shallow, move their programmes faster."""
    out = {}
    for deep in (0.0, 1.0):
        m = make_model(initial_partnerships=0.5, initial_deep_share=deep)
        m.industry.frontier += 0.5
        before = m.schools.curriculum.copy()
        proc.curricula.update_curricula(m)
        out[deep] = (m, m.schools.curriculum - before)
    m = out[0.0][0]
    partnered = m.partnerships.per_school_sector(m.p.n_schools, m.K) > 0
    assert partnered.any()
    assert (out[1.0][1][partnered] > out[0.0][1][partnered]).all()
    assert (out[1.0][1] >= out[0.0][1]).all()  # deep ties never slow a programme down


# ------------------------------------------------------------------------------------
# 7 Internships
# ------------------------------------------------------------------------------------
def test_every_final_semester_vocational_student_is_placed_or_recorded_unplaced() -> None:
    """岗位实习 is compulsory: each final-semester vocational student gets a placement at
    a partner, through the platform or found alone, or is recorded unplaced for lack of
    capacity; nobody else is placed. Partner placements are at their own school's
    partner in their programme's sector."""
    for slots in (0.5, 3.0):  # scarce and ample placement capacity
        m = make_model(initial_partnerships=0.5, placement_slots_per_mentor=slots)
        proc.internships.place_interns(m)
        pop, t, f = m.pop, m.partnerships, m.firms
        fy = _final_year_vocational(m)
        kind = pop.placement_kind
        assert np.isin(kind[fy], [1, 2, 3, 4]).all()
        assert (kind[~fy & (pop.status == Status.ENROLLED)] == 0).all()
        placed = fy & (pop.intern_host >= 0)
        assert (np.isin(kind[placed], [1, 2, 3])).all() and (pop.intern_host[kind == 4] < 0).all()
        assert m.ledger.interns == placed.sum()
        pl = m.ledger.placements
        assert pl["eligible"] == fy.sum()
        assert pl["partner"] + pl["self_found"] + pl["platform"] + pl["unplaced_no_capacity"] \
            == fy.sum()
        partner = np.flatnonzero(kind == 1)
        rows = pop.intern_partnership[partner]
        assert partner.size and t.active[rows].all()
        np.testing.assert_array_equal(t.school[rows], pop.school[partner])
        np.testing.assert_array_equal(t.sector[rows], pop.programme[partner])
        np.testing.assert_array_equal(t.firm[rows], pop.intern_host[partner])
        # no student is left unplaced while a host of any sector near the school has room
        cap = np.floor(f.mentors * slots)
        if (kind[fy] == 4).any():
            free = cap - np.bincount(pop.intern_host[placed], minlength=f.n)
            for d in np.unique(pop.district[kind == 4]):
                assert (free[f.district == d] <= 0).all()
        else:
            assert slots == 3.0
    assert (kind[fy] != 4).all()  # ample capacity: everyone placed



def test_placements_never_exceed_slots_or_capacity() -> None:
    """Partner placements ≤ the partnership's slots (mentors × depth factor × subsidy
    boost / partners); no host takes more than its placement capacity (mentors ×
    placement_slots_per_mentor) except the one slot every partnership offers."""
    for subsidy in (0.0, 10_000.0):
        m = make_model(initial_partnerships=0.6, initial_deep_share=0.5,
                       internship_subsidy=subsidy)
        proc.internships.place_interns(m)
        t, f = m.partnerships, m.firms
        rows = t.active_rows
        depth_slots = np.array([0.0, 1.0, 1.5, 2.0])[t.depth[rows]]
        n_part = np.bincount(t.firm[rows], minlength=m.p.n_enterprises)[t.firm[rows]]
        boost = 1 + 0.5 * subsidy / 10_000
        slots = np.maximum(np.floor(f.mentors[t.firm[rows]] * depth_slots * boost / n_part), 1)
        assert (t.interns[rows] <= slots).all()
        assert t.interns[rows].sum() == m.ledger.placements["partner"]
        cap = np.floor(f.mentors * m.p.placement_slots_per_mentor)
        assert (f.interns <= np.maximum(cap, t.per_firm())).all()
        np.testing.assert_array_equal(
            f.interns, np.bincount(m.pop.intern_host[m.pop.intern_host >= 0],
                                   minlength=m.p.n_enterprises))



def test_internship_subsidy_creates_partner_slots_and_claims() -> None:
    """A subsidy raises places at partners; the claim is subsidy × partner placements
    (the subsidy goes to cooperating enterprises only)."""
    lo = make_model(initial_partnerships=0.6, internship_subsidy=0.0)
    hi = make_model(initial_partnerships=0.6, internship_subsidy=10_000.0)
    proc.internships.place_interns(lo)
    proc.internships.place_interns(hi)
    assert hi.ledger.placements["partner"] > lo.ledger.placements["partner"]
    assert hi.ledger.interns == lo.ledger.interns  # compulsory: everyone placed either way
    assert lo.ledger.intern_claims == 0.0
    assert hi.ledger.intern_claims == pytest.approx(10_000.0 * hi.ledger.placements["partner"])



def test_platform_finds_places_with_non_partner_enterprises() -> None:
    """With a platform some students are placed, through it, at non-partner firms of
    their own sector, within the hosts' placement capacity, at better mentoring quality
    than placements students find alone."""
    m = make_model(platform_level=1.0, initial_partnerships=0.1)
    proc.partnerships.update_partnerships(m)  # sets willingness, which the platform uses
    proc.internships.place_interns(m)
    pop, f = m.pop, m.firms
    via_platform = np.flatnonzero(pop.placement_kind == 2)
    assert via_platform.size > 0
    assert (pop.intern_partnership[via_platform] < 0).all()
    assert _final_year_vocational(m)[via_platform].all()
    np.testing.assert_array_equal(f.sector[pop.intern_host[via_platform]],
                                  pop.programme[via_platform])
    hosts = np.unique(pop.intern_host[via_platform])
    cap = np.floor(f.mentors * m.p.placement_slots_per_mentor)
    assert (f.interns[hosts] <= cap[hosts]).all()
    alone = pop.placement_kind == 3
    assert alone.any()
    assert pop.placement_quality[via_platform].mean() > pop.placement_quality[alone].mean()



def test_platform_interns_learn_before_any_partnership_exists() -> None:
    """A platform with no partnership yet (nobody willing) must not crash the model."""
    for s in range(3):
        m = make_model(seed=s, scale=TINY, platform_level=1.0, initial_awareness=0.0,
                       intern_productivity=0.0, initial_partnerships=0.0)
        m.run(2)
        assert m.steps == 2


def test_internships_end_with_their_partnership() -> None:
    """When a partnership breaks, it offers no placement at the next round."""
    m = make_model(initial_partnerships=0.5)
    proc.internships.place_interns(m)
    t = m.partnerships
    rows = np.unique(m.pop.intern_partnership[m.pop.placement_kind == 1])
    assert rows.size
    t.remove(rows)
    proc.internships.place_interns(m)
    still = m.pop.intern_partnership[m.pop.intern_host >= 0]
    assert not np.isin(still, rows).any()



# ------------------------------------------------------------------------------------
# 8 Learning
# ------------------------------------------------------------------------------------
def test_learning_raises_competencies_of_enrolled_students_only() -> None:
    """Enrolled students learn (never unlearn) and advance a semester; others do not."""
    m = make_model()
    m.run(3)  # so that graduates are in the population too
    pop = m.pop
    enrolled = pop.status == Status.ENROLLED
    assert (~enrolled).any()
    comp, sem = pop.competency.copy(), pop.semester.copy()
    proc.learning.learn(m)
    gain = pop.competency - comp
    assert (gain[enrolled] >= -1e-6).all()
    assert gain[enrolled].sum(axis=1).mean() > 0.02
    np.testing.assert_array_equal(pop.competency[~enrolled], comp[~enrolled])
    np.testing.assert_array_equal(pop.semester[enrolled], sem[enrolled] + 1)
    np.testing.assert_array_equal(pop.semester[~enrolled], sem[~enrolled])
    assert (pop.competency >= 0).all() and (pop.competency <= 1).all()


def test_placements_add_practical_learning_by_quality() -> None:
    """Placed students gain more practical competencies than final-semester classmates
    left unplaced (scarce capacity), and better-mentored placements teach more."""
    m = make_model(initial_partnerships=0.6, placement_slots_per_mentor=0.5)
    proc.internships.place_interns(m)
    pop = m.pop
    fy = _final_year_vocational(m)
    interns, others = fy & (pop.intern_host >= 0), fy & (pop.intern_host < 0)
    assert interns.sum() > 10 and others.sum() > 10
    comp, n_sem = pop.competency.copy(), pop.intern_semesters.copy()
    proc.learning.learn(m)
    gain = (pop.competency - comp)[:, 1:4].sum(axis=1)
    assert gain[interns].mean() > gain[others].mean()
    np.testing.assert_array_equal(pop.intern_semesters[interns], n_sem[interns] + 1)
    np.testing.assert_array_equal(pop.intern_semesters[others], n_sem[others])
    q = pop.placement_quality[interns]
    hi = q > np.median(q)
    rel = gain[interns] / np.maximum(1 - comp[interns][:, 1:4].mean(axis=1), 1e-9)
    assert rel[hi].mean() > rel[~hi].mean()



def test_better_teaching_teaches_more() -> None:
    """Fully dual-qualified staff raise teaching quality and learning (paired)."""
    gains = {}
    for dq in (0.0, 1.0):
        m = make_model()
        m.schools.dual_qualified[:] = dq
        comp = m.pop.competency.copy()
        proc.learning.learn(m)
        gains[dq] = float((m.pop.competency - comp).sum())
    assert gains[1.0] > gains[0.0]


# ------------------------------------------------------------------------------------
# 9 Graduation
# ------------------------------------------------------------------------------------
def test_graduation_changes_status_and_accounts_for_everyone() -> None:
    """Students who finish either search for a job or go on to study; dropouts leave."""
    m = make_model()
    proc.learning.learn(m)
    pop = m.pop
    finishing = int(((pop.status == Status.ENROLLED) & (pop.semester >= pop.length)).sum())
    assert finishing > 0
    n_before = pop.n_alive
    proc.graduation.graduate(m)
    searching = pop.status == Status.SEARCHING
    assert not ((pop.status == Status.ENROLLED) & (pop.semester >= pop.length)).any()
    assert (pop.grad_step[searching] == m.steps).all()
    assert (pop.semester[searching] >= pop.length[searching]).all()
    further, dropped = m.book.removed["further_study"], m.book.removed["dropped_out"]
    assert further > 0 and dropped > 0
    assert m.ledger.flows.graduates == int(searching.sum()) + further
    assert pop.n_alive == n_before - further - dropped
    assert int(searching.sum()) + further <= finishing


def test_bridge_openness_raises_further_study() -> None:
    """An open general–vocational bridge sends more graduates on to further study."""
    out = {}
    for b in (0.0, 1.0):
        m = make_model(bridge_openness=b)
        proc.learning.learn(m)
        proc.graduation.graduate(m)
        out[b] = m.book.removed["further_study"] / m.ledger.flows.graduates
    assert out[1.0] > out[0.0] + 0.1, out


def test_career_budget_is_spent_on_graduates() -> None:
    """Each school's career-service budget is shared equally among its new graduates
    (those going on to further study included), and then it is spent."""
    m = make_model(career_services_funding=1000.0, government_budget=500.0)
    proc.government.run_government(m)
    budget = m.schools.career_budget.copy()
    assert budget.sum() > 0
    proc.learning.learn(m)
    proc.graduation.graduate(m)
    pop = m.pop
    grads = pop.status == Status.SEARCHING
    paid = np.bincount(pop.school[grads], weights=pop.support[grads], minlength=m.p.n_schools)
    n_grads = np.bincount(pop.school[grads], minlength=m.p.n_schools)
    had_grads = n_grads > 0
    assert had_grads.any()
    # never more than the budget; labour-market graduates are most of the graduates
    assert (paid[had_grads] <= budget[had_grads] * (1 + 1e-6)).all()
    assert paid[had_grads].sum() >= 0.5 * budget[had_grads].sum()
    for s in np.flatnonzero(had_grads):  # equal shares within a school
        sup = pop.support[grads & (pop.school == s)]
        np.testing.assert_allclose(sup, sup[0], rtol=1e-6)
    assert (m.schools.career_budget[had_grads] == 0).all()


# ------------------------------------------------------------------------------------
# 10 Labour market
# ------------------------------------------------------------------------------------
def test_hires_never_exceed_vacancies_per_firm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hires per enterprise ≤ its open vacancies; vacancies fall by exactly the hires."""
    m = make_model()
    _to_graduation(m)
    vac_before = m.firms.vacancies.copy()
    hired_per_firm: list[np.ndarray] = []
    original = proc.labour_market._match

    def spy(model: EcosystemModel, seekers: np.ndarray, vac: np.ndarray) -> None:
        was_employed = m.pop.status[seekers] == Status.EMPLOYED
        original(model, seekers, vac)
        new = seekers[(m.pop.status[seekers] == Status.EMPLOYED) & ~was_employed]
        hired_per_firm.append(np.bincount(m.pop.employer[new], minlength=m.p.n_enterprises))

    monkeypatch.setattr(proc.labour_market, "_match", spy)
    proc.labour_market.match_labour_market(m)
    assert hired_per_firm, "no matching happened"
    hires = hired_per_firm[0]
    assert hires.sum() > 0
    assert (hires <= vac_before).all()
    np.testing.assert_array_equal(m.firms.vacancies, vac_before - hires)
    win = m.ledger.workforce_window[-1]
    assert m.ledger.flows.hires == hires.sum() + win["experienced_hires"] + win["job_to_job"]


def test_employed_graduates_have_employers_and_in_field_means_matched() -> None:
    """Employed records name an employer; in-field = working in the programme's sector
    (the Ministry's 专业对口), whatever the skill fit."""
    m = make_model()
    _to_graduation(m)
    proc.labour_market.match_labour_market(m)
    pop = m.pop
    emp = pop.status == Status.EMPLOYED
    assert emp.any()
    assert (pop.employer[emp] >= 0).all()
    inf = emp & pop.in_field
    assert inf.any() and (~pop.in_field[~emp]).all()
    np.testing.assert_array_equal(pop.in_field[emp],
                                  m.firms.sector[pop.employer[emp]] == pop.programme[emp])
    assert not (pop.status == Status.SEARCHING).any()  # searched: employed or unemployed


def test_job_search_outcomes_follow_each_cohort_to_its_end(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """employed_within_two_years and mean_search_semesters, recomputed from every hire
    as it happens (a spy on the matching) and from the entrants of each cohort."""
    m = make_model(demand_growth=-0.05)  # a slack market: some search for long
    hires: dict[int, list[int]] = {}
    entrants: dict[int, int] = {}
    match, graduate = proc.labour_market._match, proc.graduation.graduate

    def spy_match(model: EcosystemModel, seekers: np.ndarray, vac: np.ndarray) -> None:
        before = m.pop.status[seekers] == Status.EMPLOYED
        waits = m.pop.search_steps[seekers].copy()  # semesters searched before this step
        match(model, seekers, vac)
        new = (m.pop.status[seekers] == Status.EMPLOYED) & ~before
        for g, w in zip(m.pop.grad_step[seekers[new]], waits[new], strict=True):
            hires.setdefault(int(g), []).append(int(w))

    def spy_graduate(model: EcosystemModel) -> None:
        graduate(model)
        n = int(np.count_nonzero((m.pop.status == Status.SEARCHING)
                                 & (m.pop.grad_step == m.steps)))
        if n:
            entrants[m.steps] = n

    monkeypatch.setattr(proc.labour_market, "_match", spy_match)
    monkeypatch.setattr(proc.graduation, "graduate", spy_graduate)
    checked = []
    for _ in range(16):
        m.step()
        g = m.steps - 3  # the cohort whose search ends now (MAX_UNEMPLOYED_STEPS = 4)
        if g in entrants:
            waits = hires.get(g, [])
            assert m.current["employed_within_two_years"] == pytest.approx(
                len(waits) / entrants[g])
            assert m.current["mean_search_semesters"] == pytest.approx(np.mean(waits))
            assert set(waits) <= {0, 1, 2, 3}
            checked.append(g)
    assert len(checked) >= 4
    assert any(max(w) >= 2 for w in hires.values()), "no late hire: the test sees nothing"
    # The same cohort six months on (measured at g + 1) and at the end of its search
    # (g + 3): employed at least as often, and the mean search at least as long.
    df = m.outcomes_frame().set_index("step")
    for g in checked:
        assert (df.at[g + 3, "employed_within_two_years"]
                >= df.at[g + 1, "employment_rate"] - 1e-12)
        assert df.at[g + 3, "mean_search_semesters"] >= df.at[g + 1, "mean_time_to_job"] - 1e-12
    assert any(df.at[g + 3, "employed_within_two_years"] > df.at[g + 1, "employment_rate"]
               for g in checked)  # later hires exist, so the censored rate understates


def test_platform_widens_the_job_search() -> None:
    """The same graduates and vacancies: with a platform more jobs are found farther away."""
    hires = {0.0: 0, 1.0: 0}
    away: dict[float, list[float]] = {0.0: [], 1.0: []}
    for s in range(4):
        for level in hires:
            m = make_model(seed=s, n_districts=3)
            _to_graduation(m)
            # only the labour market sees the platform
            m.p = dataclasses.replace(m.p, platform_level=level)
            proc.labour_market.match_labour_market(m)
            pop = m.pop
            emp = pop.status == Status.EMPLOYED
            hires[level] += int(emp.sum())
            away[level].append(float(np.mean(m.firms.district[pop.employer[emp]]
                                              != pop.district[emp])))
    assert hires[1.0] >= hires[0.0], hires
    assert np.mean(away[1.0]) > np.mean(away[0.0]), away


def test_long_term_unemployed_leave_the_region() -> None:
    """Nobody stays unemployed in the model for four searches or more."""
    m = make_model(demand_growth=-0.1)
    for _ in range(12):
        m.step()
        un = m.pop.status == Status.UNEMPLOYED
        assert (m.pop.search_steps[un] < 4).all()
    assert m.book.removed["left_region"] > 0


def test_former_interns_are_kept_by_their_hosts() -> None:
    """Interns' head start: some graduates are hired by the enterprise that trained them."""
    m = make_model(initial_partnerships=0.5)
    m.run(7)
    kept = m.outcomes_frame()["intern_retention_rate"].dropna()
    assert (kept > 0).any()


# ------------------------------------------------------------------------------------
# 11 Enrolment
# ------------------------------------------------------------------------------------
def test_new_cohort_enters_at_semester_zero_within_seats() -> None:
    """Entrants start enrolled at semester 0, never above a programme's seats."""
    m = make_model()
    n0 = m.pop.n
    proc.enrolment.enrol(m)
    pop = m.pop
    new = np.arange(n0, pop.n)
    assert 0.5 * m.p.cohort_size < new.size <= m.p.cohort_size
    assert (pop.status[new] == Status.ENROLLED).all() and (pop.semester[new] == 0).all()
    counts = np.zeros_like(m.schools.seats)
    np.add.at(counts, (pop.school[new], pop.programme[new]), 1)
    assert (counts <= np.floor(m.schools.seats) + 1e-9).all()
    assert m.schools.offers[pop.school[new], pop.programme[new]].all()
    assert m.book.entered == n0 + new.size


def test_vocational_share_falls_when_stigma_rises() -> None:
    """Families who look down on vocational education choose it less (3 seeds, paired)."""
    shares: dict[float, list[float]] = {0.1: [], 0.9: []}
    for s in range(3):
        for stigma in shares:
            m = make_model(seed=s, vocational_stigma=stigma)
            proc.enrolment.enrol(m)
            shares[stigma].append(m.book.vocational_share)
    assert np.mean(shares[0.9]) < np.mean(shares[0.1]) - 0.05, shares


def test_schools_shift_seats_toward_good_prospects() -> None:
    """Capacity flexibility moves seats toward programmes whose graduates find work."""
    m = make_model(capacity_flexibility=0.5)
    seats0 = m.schools.seats.copy()
    m.book.prospects[:] = 0.5
    m.book.prospects[0] = 0.9
    proc.enrolment.enrol(m)
    offered = m.schools.offers[:, 0] & (m.schools.offers.sum(axis=1) > 1)
    assert offered.any()
    assert (m.schools.seats[offered, 0] > seats0[offered, 0]).all()
    np.testing.assert_allclose(m.schools.seats.sum(axis=1), seats0.sum(axis=1))
    assert (m.schools.seats[~m.schools.offers] == 0).all()


# ------------------------------------------------------------------------------------
# 12 Enterprises learn
# ------------------------------------------------------------------------------------
def _awareness_change_of_hosts(**kw: Any) -> float:
    m = make_model(initial_partnerships=0.6, **kw)
    proc.sharing.share_resources(m)
    proc.internships.place_interns(m)
    proc.learning.learn(m)
    hosts = m.firms.interns > 0
    before = m.firms.awareness.copy()
    proc.enterprise_learning.enterprises_learn(m)
    assert (m.firms.hired_interns == 0).all()
    return float((m.firms.awareness - before)[hosts].mean())


def test_awareness_moves_with_realised_benefit() -> None:
    """Profitable interns raise hosts' awareness; costly ones lower it."""
    good = _awareness_change_of_hosts(intern_productivity=1.0, mentoring_cost=0.0)
    bad = _awareness_change_of_hosts(intern_productivity=0.0, mentoring_cost=30_000.0)
    assert good > 0 > bad, (good, bad)


def test_awareness_of_non_partners_only_spreads_upward() -> None:
    """Enterprises without partners learn from peers: their awareness never falls."""
    m = make_model(initial_partnerships=0.5, intern_productivity=1.0, mentoring_cost=0.0)
    proc.sharing.share_resources(m)
    proc.internships.place_interns(m)
    proc.learning.learn(m)
    outsiders = m.partnerships.per_firm() == 0
    before = m.firms.awareness.copy()
    proc.enterprise_learning.enterprises_learn(m)
    after = m.firms.awareness
    assert (after[outsiders] >= before[outsiders]).all()
    assert after[outsiders].mean() > before[outsiders].mean()


def test_experience_records_realised_benefit() -> None:
    """Cooperating enterprises gain experience after a placement round; its sign follows
    the realised payoff."""
    for kw, sign in ((dict(intern_productivity=1.0, mentoring_cost=0.0), 1),
                     (dict(intern_productivity=0.0, mentoring_cost=30_000.0), -1)):
        m = make_model(initial_partnerships=0.6, **kw)
        proc.sharing.share_resources(m)
        proc.internships.place_interns(m)
        proc.learning.learn(m)
        proc.enterprise_learning.enterprises_learn(m)
        # cooperating hosts learn from the round; hosts of placements found without a
        # partnership are not cooperating and keep no experience
        hosts = (m.firms.interns > 0) & (m.partnerships.per_firm() > 0)
        assert hosts.any() and m.firms.has_experience[hosts].all()
        assert not m.firms.has_experience[m.partnerships.per_firm() == 0].any()
        assert np.sign(np.median(m.firms.experience[hosts])) == sign


# ------------------------------------------------------------------------------------
# 13 Data collection
# ------------------------------------------------------------------------------------
def test_collect_data_records_one_row_and_consistent_counts() -> None:
    """Each collection adds one outcome row and one row per sector; counts match state."""
    m = make_model(initial_partnerships=0.4, initial_deep_share=0.5)
    m.run(3)
    df, sec = m.outcomes_frame(), m.sector_frame()
    assert len(df) == 4 and len(sec) == 4 * m.K
    assert set(m.current) == set(OUTCOMES)
    t, f = m.partnerships, m.firms
    rows = t.active_rows
    part = t.per_firm() > 0
    last = df.iloc[-1]
    assert last["participation_rate"] == pytest.approx(part.mean())
    assert last["partnerships"] == rows.size
    assert last["deep_partnership_share"] == pytest.approx(np.mean(t.depth[rows] >= 2))
    assert sum(last[f"partnerships_depth_{d}"] for d in (1, 2, 3)) == rows.size
    assert last["certified_enterprises"] == f.certified.sum()
    assert last["students_alive"] == m.pop.n_alive
    assert last["mean_awareness"] == pytest.approx(f.awareness.mean())
    for c, (name, lo, hi) in enumerate(SIZE_CLASSES):
        in_class = (f.size >= lo) & (f.size <= hi)
        np.testing.assert_array_equal(in_class, f.size_class == c)
        if in_class.any():
            assert last[f"participation_{name}"] == pytest.approx(part[in_class].mean())
    spend = sum(last[f"spending_{k}"] for k in m.government.INSTRUMENTS)
    assert last["government_spending"] == pytest.approx(spend)


def test_cohort_outcomes_measured_six_months_after_graduation() -> None:
    """Cohort rates appear one step after the first graduation and count its members."""
    m = make_model()
    m.run(1)
    assert np.isnan(m.current["employment_rate"])
    m.run(1)
    df = m.outcomes_frame()
    emp = df["employment_rate"].iloc[-1]
    assert 0 < emp <= 1
    assert df["placement_rate"].iloc[-1] >= df["further_study_rate"].iloc[-1]
    assert df["employment_rate"].iloc[-1] >= df["in_field_rate"].iloc[-1]


def test_sector_frame_tracks_frontier_and_alignment() -> None:
    """The per-sector table holds each sector's frontier and seat-weighted alignment."""
    m = make_model(tech_change_rate=0.05)
    m.run(2)
    sec = m.sector_frame()
    last = sec[sec["step"] == 2].set_index("sector")
    for k, s in enumerate(m.sectors):
        assert last.loc[s.name, "frontier"] == pytest.approx(m.industry.frontier[k])
        assert 0 <= last.loc[s.name, "alignment"] <= 1


def test_small_scale_used_here_is_fast() -> None:
    """Guard for the suite's budget: a SMALL model runs 20 steps in well under a second."""
    import time

    t0 = time.perf_counter()
    EcosystemModel(seed=2, **SMALL).run(20)
    assert time.perf_counter() - t0 < 3.0


# ------------------------------------------------------------------------------------
# Issue 11: official definitions and the double counts fixed
# ------------------------------------------------------------------------------------
def test_in_field_rate_is_in_field_over_employed_and_skill_matched_over_entrants() -> None:
    """in_field_rate = the measured cohort's employed in their field / employed (MOE
    专业对口率); skill_matched_rate = in field with fit ≥ adequate_fit / labour-market
    entrants. Recomputed from the records when the cohort is measured."""
    m = make_model()
    g = None
    while g is None or m.steps < g + 1:
        m.step()
        if g is None and m.ledger.flows.graduates > 0:
            g = m.steps
    pop = m.pop
    cohort = pop.grad_step == g
    emp = cohort & (pop.status == Status.EMPLOYED)
    in_field = emp & pop.in_field
    assert emp.sum() > 20 and 0 < in_field.sum() < emp.sum()
    assert m.current["in_field_rate"] == pytest.approx(in_field.sum() / emp.sum())
    assert m.current["in_field_graduates"] == in_field.sum()
    # labour-market entrants of the cohort, from employment_rate = employed / entrants
    entrants = emp.sum() / m.current["employment_rate"]
    matched = in_field & (pop.match_quality >= m.p.adequate_fit)
    assert m.current["skill_matched_rate"] == pytest.approx(matched.sum() / entrants)
    assert m.current["skill_matched_rate"] < m.current["in_field_rate"]


def test_sharing_incentive_enters_deepening_only_through_net_benefit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the expected net benefit held fixed, the sharing incentive (and pilot status)
    no longer multiplies the chance to deepen: same seed, same partnerships deepen."""
    monkeypatch.setattr(proc.partnerships, "expected_net_benefit",
                        lambda model, depth=1: np.full(model.firms.n, 1_000.0 * depth))
    depths = []
    for incentive, pilot in ((0.0, False), (1.0, True)):
        m = make_model(initial_partnerships=0.6, initial_deep_share=0.0,
                       resource_sharing_incentive=incentive, pilot_city=pilot)
        t = m.partnerships
        rows = t.active_rows
        t.age[rows] = 10
        t.sat_firm[rows] = t.sat_school[rows] = 0.9
        proc.partnerships._age_break_deepen(m, proc.partnerships.expected_net_benefit(m, 1))
        depths.append(t.depth[rows].copy())
    assert (depths[0] == 2).any()
    np.testing.assert_array_equal(depths[0], depths[1])


def test_shared_resources_cost_the_firm_what_the_school_receives() -> None:
    """Issue 11: a yuan shared is worth a yuan to the school and costs the firm a yuan,
    less the incentive it is refunded; the tax credit does not subsidise it again."""
    m = make_model(initial_partnerships=0.6, resource_sharing_incentive=0.4,
                   tax_credit_rate=0.5, certification_threshold=1)
    proc.government.run_government(m)  # certifies partners
    proc.sharing.share_resources(m)
    f = m.firms
    shared = f.shared
    assert shared.sum() > 0
    assert m.schools.resources.sum() == pytest.approx(shared.sum())
    fixed = proc.partnerships.partnership_fixed_cost(m, shared, np.zeros(f.n))
    np.testing.assert_allclose(fixed, 2 * shared * (1 - 0.4 * m.government.year_ration))
    # no interns yet: a certified sharer's tax-credit base is zero
    f.interns[:] = 0
    _, base = proc.enterprise_learning.realized_benefit(m)
    assert (f.certified & (shared > 0)).any()
    np.testing.assert_array_equal(base, 0.0)


def test_universities_form_no_partnerships() -> None:
    """Universities host no placements, so they neither start with nor seek partners
    (their partnerships used to pay coordination for nothing)."""
    m = make_model(initial_partnerships=0.5, platform_level=1.0)
    m.run(8)
    t = m.partnerships
    rows = t.active_rows
    assert rows.size and (m.schools.school_type[t.school[rows]] < 2).all()
