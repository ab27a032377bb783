"""Figures, charts and headline numbers of the teaching demo (no browser code here).

Each view is a pure function of a running :class:`ecosim.EcosystemModel`: the
partnership network is drawn by matplotlib into PNG bytes; the time series are
Vega-Lite specifications (plain dicts) that the browser draws. The page
(:mod:`ecosim.app`) stays thin, and the views can be tested and timed on their own.
Colours are Okabe–Ito (readable by colour-blind viewers) and every series also differs
by dash pattern or marker shape; fonts are large enough for a classroom projector.
"""

from __future__ import annotations

import contextlib
import io
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from ..reporting.plots import OKABE_ITO  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from ..simulation.model import EcosystemModel

__all__ = [
    "SECTOR_COLOURS",
    "SCHOOL_STYLE",
    "Headline",
    "change_text",
    "headline_numbers",
    "policies_in_force",
    "pretty",
    "network_png",
    "network_layout",
    "trends_spec",
    "spending_spec",
    "shortage_spec",
    "FIRM_ROLES",
    "Poaching",
    "poaching_now",
    "poaching_spec",
    "FIGURES",
    "CHARTS",
]

# Okabe–Ito without yellow (too pale on a white projector screen) for the first sectors.
SECTOR_COLOURS: list[str] = [OKABE_ITO[i] for i in (0, 1, 2, 4, 5, 6, 3, 7)]
# School types: grey levels (lightness differs) AND shapes.
SCHOOL_STYLE: dict[str, tuple[str, str, str]] = {
    "secondary_vocational": ("#FFFFFF", "s", "secondary vocational school"),
    "higher_vocational": ("#000000", "D", "higher vocational college"),
    "university": ("#999999", "^", "university"),
}
DEPTH_STYLE = {  # depth: (line width, colour, label)
    1: (0.9, "#9A9A9A", "internship agreement"),
    2: (2.2, "#555555", "order class / joint curriculum"),
    3: (4.0, "#000000", "joint lab / industrial college"),
}
FONT = {"font.size": 13, "axes.titlesize": 16, "axes.labelsize": 14, "legend.fontsize": 12,
        "xtick.labelsize": 13, "ytick.labelsize": 13, "axes.titleweight": "bold"}
DPI = 80


def pretty(name: str) -> str:
    """``advanced_manufacturing`` → ``Advanced manufacturing``."""
    s = name.replace("_", " ")
    s = s[:1].upper() + s[1:]
    return s.replace("Ip ", "IP ").replace(" ip ", " IP ")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _figure(w: float, h: float) -> Figure:
    # Fixed margins instead of a layout engine: constrained layout doubled the time.
    return Figure(figsize=(w, h), dpi=DPI)


def _axes(fig: Figure, left: float = 0.12, bottom: float = 0.13, right: float = 0.97,
          top: float = 0.9) -> Any:
    return fig.add_axes((left, bottom, right - left, top - bottom))


def _series(model: EcosystemModel, name: str) -> np.ndarray:
    return np.asarray(model.datacollector.model_vars.get(name, []), dtype=float)


# ------------------------------------------------------------------------------------
# Headline numbers
# ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    """One tile of the headline panel.

    Attributes:
        key: outcome name (or a derived name).
        label: plain-language label for students.
        value: formatted current value ("—" when not measured yet).
        change: plain-language change since the start ("" when none).
        raw: the numeric value (NaN when not measured yet).
    """

    key: str
    label: str
    value: str
    change: str
    raw: float


def _pct(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{100 * x:.0f}%"


def _money(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x / 1e6:.2f}"


def _count(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:,.0f}"


def _yearly(x: np.ndarray) -> np.ndarray:
    """Mean of this and the previous semester (graduates arrive once a year)."""
    return np.concatenate([x[:1], (x[1:] + x[:-1]) / 2]) if x.shape[0] > 1 else x


def _shortage_matrix(model: EcosystemModel) -> np.ndarray:
    """Empty job openings per step (rows) and sector (columns), yearly mean."""
    K = len(model.sectors)
    n = len(model.sector_records) // K if K else 0
    short = np.array([r["shortage"] for r in model.sector_records[: n * K]], dtype=float)
    return _yearly(short.reshape(n, K)) if n else np.zeros((0, K))


_HEADLINES: list[tuple[str, str, Callable[[float], str], bool]] = [
    # (outcome, plain-language label, formatter, is a share)
    ("employment_rate", "Graduates with a job six months after leaving school", _pct, True),
    ("in_field_rate", "Graduates working in the field they trained for", _pct, True),
    ("participation_rate", "Enterprises that work with a school", _pct, True),
    ("vacancy_fill_rate", "Job openings filled by new graduates", _pct, True),
    ("shortage", "Job openings left empty (talent shortage, yearly mean)", _count, False),
    ("government_spending", "Government spending this semester (million yuan)", _money,
     False),
]


def change_text(d: float, unit: str = "") -> str:
    """Plain words for a change since the start, rounded to whole units: a change that
    rounds to 0 is "no change" (never "▲ up 0")."""
    n = round(abs(d))
    if n == 0:
        return "no change since the start"
    return f"{'▲ up' if d > 0 else '▼ down'} {n:,} {unit} since the start".replace("  ", " ")


def headline_numbers(model: EcosystemModel) -> list[Headline]:
    """The headline panel: current value and change since the start of the run."""
    out = []
    for key, label, fmt, share in _HEADLINES:
        if key == "shortage":
            total = _shortage_matrix(model).sum(axis=1)
            now = float(total[-1]) if total.size else math.nan
            first = float(total[0]) if total.size else math.nan
        else:
            s = _series(model, key)
            now = float(model.current.get(key, math.nan))
            finite = s[np.isfinite(s)]
            first = float(finite[0]) if finite.size else math.nan
        change = ""
        if model.steps > 0 and math.isfinite(now) and math.isfinite(first):
            d = now - first
            if share:
                pts = 100 * d
                change = change_text(pts, "point" if round(abs(pts)) == 1 else "points")
            elif key == "shortage":
                change = change_text(d)
        value = fmt(now)
        if value == "—":
            change = "measured after the first graduation"
        out.append(Headline(key, label, value, change, now))
    if model.p.participation_target > 0:  # the adaptive rule is on
        now = float(model.p.internship_subsidy)
        change = change_text(now - float(model.params["internship_subsidy"]), "yuan")
        out.append(Headline("internship_subsidy_level",
                            "Internship subsidy per intern, set by the adaptive rule "
                            f"(target {model.p.participation_target:.0%})",
                            f"{now:,.0f} yuan", change, now))
    return out


def _lever_value(model: EcosystemModel, lever: str, value: Any) -> str:
    """A lever's value for people: ``3,000 yuan``, ``0.8``, ``on``."""
    if isinstance(value, bool):
        return "on" if value else "off"
    unit = model.declaration[lever].unit
    if unit.startswith("yuan"):
        return f"{value:,.0f} yuan"
    if unit.startswith("million yuan"):
        return f"{value:,.0f} million yuan"
    return f"{value:,g}"


def policies_in_force(model: EcosystemModel) -> list[str]:
    """The policy windows in force at the model's current step, one line each, e.g.
    ``internship subsidy 3,000 yuan (years 1–5)``; empty when none is."""
    from ..simulation.interventions import windows_in_force

    out = []
    for window, value in windows_in_force(model):
        name = window.lever.replace("_", " ")
        out.append(f"{name} {_lever_value(model, window.lever, value)} ({window.years()})")
    return out


# ------------------------------------------------------------------------------------
# Partnership network
# ------------------------------------------------------------------------------------
_layout_cache: weakref.WeakKeyDictionary[Any, dict[int, tuple[float, float]]] = (
    weakref.WeakKeyDictionary())


def network_layout(model: EcosystemModel) -> dict[int, tuple[float, float]]:
    """Fixed positions: schools on an inner ring (by type), enterprises on an outer ring
    grouped by sector (largest first). Fixed, so that students watch edges appear."""
    try:
        return _layout_cache[model]
    except (KeyError, TypeError):
        pass
    g = model.network
    schools = [n for n, d in g.nodes(data=True) if d.get("kind") == "school"]
    firms = [n for n, d in g.nodes(data=True) if d.get("kind") == "enterprise"]
    types = list(SCHOOL_STYLE)
    schools.sort(key=lambda n: (types.index(g.nodes[n].get("school_type", types[0]))
                                if g.nodes[n].get("school_type") in types else 0, n))
    firms.sort(key=lambda n: (g.nodes[n].get("sector", 0), -g.nodes[n].get("size", 0), n))
    pos: dict[int, tuple[float, float]] = {}
    for i, n in enumerate(schools):
        a = 2 * math.pi * i / max(len(schools), 1) + math.pi / 2
        pos[n] = (0.42 * math.cos(a), 0.42 * math.sin(a))
    n_sec = len({g.nodes[n].get("sector", 0) for n in firms}) or 1
    gap = 1.5  # empty slots between sectors
    slots = len(firms) + gap * n_sec
    t, last = 0.0, None
    for n in firms:
        k = g.nodes[n].get("sector", 0)
        if last is not None and k != last:
            t += gap
        last = k
        a = 2 * math.pi * t / max(slots, 1) + math.pi / 2
        pos[n] = (math.cos(a), math.sin(a))
        t += 1
    with contextlib.suppress(TypeError):  # a model that cannot be weakly referenced
        _layout_cache[model] = pos
    return pos


def _darker(hex_colour: str, f: float = 0.75) -> str:
    """A darker shade of a colour, for text on white."""
    rgb = matplotlib.colors.to_rgb(hex_colour)
    return matplotlib.colors.to_hex(tuple(c * f for c in rgb))


_network_memo: weakref.WeakKeyDictionary[Any, tuple[Any, bytes]] = weakref.WeakKeyDictionary()


def network_png(model: EcosystemModel) -> bytes:
    """The school–enterprise partnership network as PNG bytes.

    The drawing depends only on the edges and their depth, so an unchanged network
    (common between two semesters) is not drawn again.
    """
    g = model.network
    signature = (g.number_of_nodes(), frozenset(
        (u, v, d.get("depth", 1)) for u, v, d in g.edges(data=True)))
    try:
        memo = _network_memo.get(model)
    except TypeError:  # pragma: no cover - model not weak-referenceable
        memo = None
    if memo is not None and memo[0] == signature:
        return memo[1]
    png = _draw_network(model)
    with contextlib.suppress(TypeError):
        _network_memo[model] = (signature, png)
    return png


def _draw_network(model: EcosystemModel) -> bytes:
    g = model.network
    pos = network_layout(model)
    fig = _figure(7.2, 7.6)
    with matplotlib.rc_context(FONT):
        ax = _axes(fig, 0.0, 0.2, 1.0, 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        by_depth: dict[int, list] = {1: [], 2: [], 3: []}
        for u, v, d in g.edges(data=True):
            if u in pos and v in pos:
                by_depth.setdefault(int(d.get("depth", 1)), []).append((pos[u], pos[v]))
        for depth in (1, 2, 3):
            segs = by_depth.get(depth) or []
            if segs:
                lw, col, _ = DEPTH_STYLE[depth]
                ax.add_collection(LineCollection(segs, linewidths=lw, colors=col,
                                                 alpha=0.8, zorder=depth))
        sectors = [s.name for s in model.sectors]
        nodes = g.nodes
        firms = [n for n in pos if nodes[n].get("kind") == "enterprise"]
        if firms:
            xy = np.array([pos[n] for n in firms])
            sec = np.array([nodes[n].get("sector", 0) for n in firms])
            size = np.array([nodes[n].get("size", 1.0) for n in firms], dtype=float)
            s = np.clip(12 + 7 * np.sqrt(size), 12, 320)
            partner = np.array([g.degree(n) > 0 for n in firms])
            cols = np.array([SECTOR_COLOURS[k % len(SECTOR_COLOURS)] for k in sec])
            # cooperating enterprises are filled, the others hollow (not colour alone)
            ax.scatter(xy[~partner, 0], xy[~partner, 1], s=s[~partner], facecolors="white",
                       edgecolors=cols[~partner], linewidths=1.6, zorder=5)
            ax.scatter(xy[partner, 0], xy[partner, 1], s=s[partner], c=cols[partner],
                       edgecolors="black", linewidths=0.6, zorder=6)
        schools = [n for n in pos if nodes[n].get("kind") == "school"]
        sizes = np.array([nodes[n].get("size", 1.0) for n in schools], dtype=float)
        big = max(float(sizes.max()) if sizes.size else 1.0, 1.0)
        for typ, (col, marker, _) in SCHOOL_STYLE.items():
            sel = [i for i, n in enumerate(schools) if nodes[n].get("school_type") == typ]
            if sel:
                xy = np.array([pos[schools[i]] for i in sel])
                ax.scatter(xy[:, 0], xy[:, 1], s=120 + 380 * np.sqrt(sizes[sel] / big),
                           c=col, marker=marker, edgecolors="black", linewidths=1.5,
                           zorder=7)
        # Sector names written beside their arc (direct labels, not colour alone).
        for k, name in enumerate(sectors):
            members = [n for n in firms if nodes[n].get("sector", 0) == k]
            if not members:
                continue
            ang = np.unwrap([math.atan2(pos[n][1], pos[n][0]) for n in members])
            a = float(np.mean(ang))
            x, y = 1.2 * math.cos(a), 1.2 * math.sin(a)
            ha = "left" if x > 0.25 else "right" if x < -0.25 else "center"
            va = "bottom" if y > 0.5 else "top" if y < -0.5 else "center"
            ax.text(x, y, pretty(name).replace(" ", "\n", 1), ha=ha, va=va, fontsize=13,
                    fontweight="bold", color=_darker(SECTOR_COLOURS[k % len(SECTOR_COLOURS)]))
        ax.set_xlim(-1.75, 1.75)
        ax.set_ylim(-1.45, 1.45)
        n_part = sum(1 for n in firms if g.degree(n) > 0)
        ax.set_title(f"Who works with whom\n{g.number_of_edges()} partnerships · "
                     f"{n_part} of {len(firms)} enterprises take part", fontsize=15)
        handles = [Line2D([], [], ls="", marker=m, ms=11, mfc=c, mec="black", label=lab)
                   for c, m, lab in SCHOOL_STYLE.values()]
        handles.append(Line2D([], [], ls="", marker="o", ms=10, mfc="white", mec="#555555",
                              mew=1.6, label="enterprise, no partner"))
        handles += [Line2D([], [], lw=lw, color=c, label=lab)
                    for lw, c, lab in DEPTH_STYLE.values()]
        handles.insert(3, Line2D([], [], ls="", marker="o", ms=10, mfc="#777777", mec="black",
                                 label="enterprise with partner"))
        fig.legend(handles=handles, loc="lower center", ncols=2, fontsize=12,
                   frameon=False, handlelength=2.0, columnspacing=1.2, borderaxespad=0.2)
    return _png(fig)


# ------------------------------------------------------------------------------------
# Time series: Vega-Lite specifications drawn by the browser (vega ships offline with
# solara-assets). Building a spec costs about a millisecond on the server, against
# ~60 ms for a matplotlib PNG, which keeps a step with redraw well under 0.3 s.
# ------------------------------------------------------------------------------------
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an id, never fetched
CHART_WIDTH, CHART_HEIGHT = 540, 260
_DASHES = [[1, 0], [10, 4], [10, 3, 2, 3], [2, 3], [14, 3, 3, 3, 3, 3], [6, 6]]

_TRENDS = [  # outcome, label, colour
    ("employment_rate", "graduates with a job", OKABE_ITO[4]),
    ("in_field_rate", "… in their own field", OKABE_ITO[5]),
    ("participation_rate", "enterprises working with schools", OKABE_ITO[2]),
    ("vacancy_fill_rate", "job openings filled", OKABE_ITO[0]),
    ("curriculum_alignment", "courses up to date with industry", OKABE_ITO[6]),
]

_SPEND_GROUPS = [  # label, instruments, colour
    ("internship + sharing subsidies", ("internship_subsidy", "resource_sharing"), OKABE_ITO[0]),
    ("tax credit", ("tax_credit",), OKABE_ITO[4]),
    ("teacher practice", ("teacher_practice",), OKABE_ITO[2]),
    ("platform + promotion", ("platform", "promotion"), OKABE_ITO[6]),
    ("career services", ("career_services",), OKABE_ITO[1]),
]


def _num(x: float, digits: int = 4) -> float | None:
    """JSON-safe number (None for NaN, which Vega leaves out)."""
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def _chart(title: str, values: list[dict], n_steps: int, mark: dict, y: dict,
           series: str, domain: list[str], colours: list[str],
           dashed: bool = True) -> dict:
    """A Vega-Lite line/bar chart over semesters with one colour (and dash) per series."""
    enc: dict[str, Any] = {
        "x": {"field": "semester", "type": "quantitative" if mark["type"] != "bar" else
              "ordinal", "title": "semester",
              **({"scale": {"domain": [0, max(n_steps - 1, 10)]}}
                 if mark["type"] != "bar" else {})},
        "y": y,
        "color": {"field": series, "type": "nominal", "title": None,
                  "scale": {"domain": domain, "range": colours},
                  "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320,
                             "symbolStrokeWidth": 3, "symbolSize": 300,
                             **({"symbolType": "stroke"} if mark["type"] == "line" else {})}},
        "tooltip": [{"field": "semester", "type": "quantitative"},
                    {"field": series, "type": "nominal"},
                    {"field": y["field"], "type": "quantitative", "format": ",.2f"}],
    }
    if dashed and mark["type"] == "line":  # same legend as colour: merged into one
        enc["strokeDash"] = {"field": series, "type": "nominal", "title": None,
                             "scale": {"domain": domain, "range": _DASHES[:len(domain)]},
                             "legend": enc["color"]["legend"]}
    if mark["type"] == "bar":
        enc["order"] = {"field": "order", "type": "quantitative"}
        enc["x"]["scale"] = {"domain": list(range(max(n_steps, 11)))}
        enc["x"]["axis"] = {"values": list(range(0, max(n_steps, 11), 5)), "labelAngle": 0}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "fontSize": 19, "anchor": "start"},
        "width": CHART_WIDTH, "height": CHART_HEIGHT,
        "data": {"values": values},
        "mark": mark,
        "encoding": enc,
        # no export menu (its editor link would leave the classroom network); SVG stays
        # sharp when the page scales it to the projector
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
        "config": {"font": "DejaVu Sans, Verdana, sans-serif",
                   "axis": {"labelFontSize": 15, "titleFontSize": 16, "gridOpacity": 0.4},
                   "legend": {"labelFontSize": 15},
                   "view": {"stroke": None}},
    }


def _percent_lines(model: EcosystemModel, title: str,
                   series: list[tuple[str, str, str]]) -> dict:
    """A line chart of shares over time in percent: ``series`` = (outcome, label,
    colour)."""
    values, n = [], 0
    for name, label, _ in series:
        y = _series(model, name)
        n = max(n, y.size)
        values += [{"semester": i, "series": label, "percent": _num(100 * v, 2)}
                   for i, v in enumerate(y)]
    return _chart(title, values, n,
                  {"type": "line", "strokeWidth": 3.5, "point": {"size": 30}},
                  {"field": "percent", "type": "quantitative", "title": "percent",
                   "scale": {"domain": [0, 100]}},
                  "series", [t[1] for t in series], [t[2] for t in series])


def trends_spec(model: EcosystemModel) -> dict:
    """Employment, in-field rate, participation, vacancy fill and curriculum alignment
    over time (percent)."""
    return _percent_lines(model, "Talent supply over time", _TRENDS)


def spending_spec(model: EcosystemModel) -> dict:
    """Government spending per semester, stacked by instrument (million yuan)."""
    total = _series(model, "government_spending")
    values = []
    for order, (label, names, _) in enumerate(_SPEND_GROUPS):
        y = sum((np.nan_to_num(_series(model, f"spending_{nm}")) for nm in names),
                np.zeros(total.size)) / 1e6
        values += [{"semester": i, "instrument": label, "million": _num(v), "order": order}
                   for i, v in enumerate(y)]
    return _chart("Government spending", values, total.size,
                  {"type": "bar"},
                  {"field": "million", "type": "quantitative", "stack": "zero",
                   "title": "million yuan per semester"},
                  "instrument", [g[0] for g in _SPEND_GROUPS], [g[2] for g in _SPEND_GROUPS])


def shortage_spec(model: EcosystemModel) -> dict:
    """Talent shortage (job openings left empty) by sector over time, yearly mean."""
    K = len(model.sectors)
    short = _shortage_matrix(model)  # graduates arrive once a year: yearly mean
    n = short.shape[0]
    values = []
    if n:
        for k, s in enumerate(model.sectors):
            values += [{"semester": i, "sector": pretty(s.name), "openings": _num(v, 1)}
                       for i, v in enumerate(short[:, k])]
    names = [pretty(s.name) for s in model.sectors]
    return _chart("Talent shortage by sector", values, n,
                  {"type": "line", "strokeWidth": 3.5, "point": {"size": 30}},
                  {"field": "openings", "type": "quantitative",
                   "title": "empty job openings (yearly mean)"},
                  "sector", names, [SECTOR_COLOURS[k % len(SECTOR_COLOURS)] for k in range(K)])


# ------------------------------------------------------------------------------------
# Who trains, who poaches: enterprises by role and trained workers kept or hired away
# ------------------------------------------------------------------------------------
#: Enterprise roles on the poaching panel (order = on screen): key, label, colour. An
#: enterprise *trains* when it hosted interns in the latest placement round and
#: *poaches* when it hired workers away from other employers this step or the one
#: before — the definitions of ``training_firm_share`` and ``poaching_only_firm_share``.
FIRM_ROLES: list[tuple[str, str, str]] = [
    ("both", "train and also hire workers away", OKABE_ITO[4]),
    ("trains", "train, hire nobody away", OKABE_ITO[2]),
    ("poaches", "only hire workers away (train nobody)", OKABE_ITO[5]),
    ("neither", "neither train nor hire away", "#777777"),
]


@dataclass(frozen=True)
class Poaching:
    """What the poaching panel shows for the model's current step.

    Attributes:
        roles: enterprises per role of :data:`FIRM_ROLES` (they sum to all enterprises).
        enterprises: number of enterprises.
        moves: workers hired away from another employer this step (job-to-job moves).
        poachers: enterprises that hired someone away this step.
        top: the largest number one enterprise hired away this step.
        kept: employed workers who work for the enterprise that trained them.
        elsewhere: employed workers trained by one enterprise who work for another.
    """

    roles: dict[str, int]
    enterprises: int
    moves: int
    poachers: int
    top: int
    kept: int
    elsewhere: int


def poaching_now(model: EcosystemModel) -> Poaching:
    """Enterprises by role and trained workers kept or working elsewhere, now (read from
    ``model.firms`` and ``model.workers``; nothing in the model is changed)."""
    f, w = model.firms, model.workers
    n = int(f.n)
    trains = np.asarray(f.round_interns)[:n] > 0
    poached = np.asarray(f.poached).reshape(2, -1)[:, :n]
    poaches = poached.sum(axis=0) > 0
    roles = {"both": int(np.count_nonzero(trains & poaches)),
             "trains": int(np.count_nonzero(trains & ~poaches)),
             "poaches": int(np.count_nonzero(~trains & poaches)),
             "neither": int(np.count_nonzero(~trains & ~poaches))}
    employer, trainer = np.asarray(w.employer), np.asarray(w.trainer)
    trained = (employer >= 0) & (trainer >= 0)
    kept = int(np.count_nonzero(trained & (trainer == employer)))
    now = poached[0] if poached.size else np.zeros(0, dtype=np.int64)
    return Poaching(roles, n, int(now.sum()), int(np.count_nonzero(now)),
                    int(now.max()) if now.size else 0, kept,
                    int(np.count_nonzero(trained)) - kept)


_POACHING = [  # outcome, label, colour
    ("training_firm_share", "enterprises that train (host interns)", OKABE_ITO[2]),
    ("poaching_only_firm_share", "enterprises that only hire workers away", OKABE_ITO[5]),
    ("poaching_share_of_hires", "hires taken from another employer (last year)",
     OKABE_ITO[0]),
    ("own_trained_stay", "trained workers who stay with their trainer (per semester)",
     OKABE_ITO[4]),
]


def poaching_spec(model: EcosystemModel) -> dict:
    """Who trains, who poaches over time (percent): training and poaching-only
    enterprises, the share of hires hired away from another employer, and how many of
    the workers an enterprise trained stay with it."""
    return _percent_lines(model, "Who trains, who poaches", _POACHING)


FIGURES: dict[str, Callable[[EcosystemModel], bytes]] = {"network": network_png}
CHARTS: dict[str, Callable[[EcosystemModel], dict]] = {
    "trends": trends_spec,
    "shortage": shortage_spec,
    "spending": spending_spec,
    "poaching": poaching_spec,
}
