"""Regenerate the tables of docs/ODD.md that are derived from the one declaration.

Two tables are written between markers: the declared parameters (§2.3) and the
calibration constants with their sources (§7.15). ``tests/test_docs_tables.py`` fails
when the document and the declaration disagree; then run
``.venv/bin/python docs/declaration_tables.py``.
"""

from __future__ import annotations

from pathlib import Path

from ecosim.params import CALIBRATION, PARAMETERS, Parameter, _fmt

ODD = Path(__file__).resolve().parent / "ODD.md"
MARKERS = {"parameters": "declared parameters", "calibration": "calibration constants"}


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


def render(text: str) -> str:
    """``text`` with every generated table replaced by the current one."""
    tables = {"parameters": parameters_table(), "calibration": calibration_table()}
    for key, table in tables.items():
        begin = f"<!-- BEGIN generated: {MARKERS[key]} (docs/declaration_tables.py) -->"
        end = f"<!-- END generated: {MARKERS[key]} -->"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{table}\n{end}{tail}"
    return text


def main() -> None:
    """Rewrite the generated tables of docs/ODD.md in place."""
    text = ODD.read_text(encoding="utf-8")
    new = render(text)
    ODD.write_text(new, encoding="utf-8")
    print("docs/ODD.md: tables " + ("unchanged" if new == text else "regenerated"))


if __name__ == "__main__":
    main()
