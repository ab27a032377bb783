"""Regenerate the tables of docs/ODD.md that are derived from the one declaration.

Two tables are written between markers: the declared parameters (§2.3) and the
calibration constants with their sources (§7.15); and docs/calibration.md gets the
table of observed targets from ``data/calibration_targets.toml``.
``tests/test_docs_tables.py`` fails when a document and its source disagree; then run
``.venv/bin/python docs/declaration_tables.py``.
"""

from __future__ import annotations

from pathlib import Path

from ecosim.params import CALIBRATION, PARAMETERS, Parameter, _fmt

ODD = Path(__file__).resolve().parent / "ODD.md"
CALIBRATION_DOC = Path(__file__).resolve().parent / "calibration.md"
TARGETS = Path(__file__).resolve().parents[1] / "data" / "calibration_targets.toml"
MARKERS = {"parameters": "declared parameters", "calibration": "calibration constants",
           "targets": "calibration targets"}


def _cells(p: Parameter) -> tuple[str, str]:
    if p.type is bool:
        return str(p.default).lower(), "true / false"
    if p.type is str:
        return f"`{p.default}`", "`generic`, `deyang`"
    return _fmt(p.default), f"{_fmt(p.low)} – {_fmt(p.high)}"


def parameters_table() -> str:
    """§2.3: levers, uncertainties and structure (calibration constants are in §7.15)."""
    lines = ["| name | kind | type | default | range | unit | meaning |",
             "|---|---|---|---|---|---|---|"]
    for p in PARAMETERS.values():
        if p.kind == "calibration":
            continue
        default, rng = _cells(p)
        lines.append(f"| `{p.name}` | {p.kind} | {p.type.__name__} | {default} | {rng} "
                     f"| {p.unit} | {p.meaning} |")
    return "\n".join(lines)


def calibration_table() -> str:
    """§7.15: every calibration constant, by process, with range, unit and source."""
    lines = ["| constant | process | default | plausible range | unit | meaning | source |",
             "|---|---|---|---|---|---|---|"]
    for name in CALIBRATION:
        p = PARAMETERS[name]
        default, rng = _cells(p)
        lines.append(f"| `{name}` | `{p.process}` | {default} | {rng} | {p.unit} "
                     f"| {p.meaning} | {p.source} |")
    return "\n".join(lines)


def targets_table() -> str:
    """docs/calibration.md: every observed target with its role, value, sd and source."""
    from ecosim.calibration.spec import load_targets

    lines = ["| id | role | outcome | observed | sd | source |", "|---|---|---|---|---|---|"]
    for t in load_targets(TARGETS):
        src = " ".join(t.source.split())
        lines.append(f"| `{t.id}` | {t.role} | `{t.outcome}` | {t.observed:g} | {t.sd:g} "
                     f"| {src} |")
    return "\n".join(lines)


def render(text: str, tables: dict[str, str] | None = None) -> str:
    """``text`` with every generated table it holds replaced by the current one."""
    tables = tables or {"parameters": parameters_table(), "calibration": calibration_table()}
    for key, table in tables.items():
        begin = f"<!-- BEGIN generated: {MARKERS[key]} (docs/declaration_tables.py) -->"
        end = f"<!-- END generated: {MARKERS[key]} -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{table}\n{end}{tail}"
    return text


def main() -> None:
    """Rewrite the generated tables of docs/ODD.md and docs/calibration.md in place."""
    for doc, tables in ((ODD, None), (CALIBRATION_DOC, {"targets": targets_table()})):
        text = doc.read_text(encoding="utf-8")
        new = render(text, tables)
        doc.write_text(new, encoding="utf-8")
        print(f"docs/{doc.name}: tables " + ("unchanged" if new == text else "regenerated"))


if __name__ == "__main__":
    main()
