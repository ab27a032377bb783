"""Write one benchmark's section of docs/performance.md (shared by the bench scripts).

Each script owns the text between ``<!-- bench_NAME:start -->`` and
``<!-- bench_NAME:end -->``; the rest of the file (the hand-written introduction and
the other sections) is left alone. A missing section is appended.
"""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


def machine_stamp() -> str:
    """'Measured <date> on <host> (<arch>, <n> cores, Python <version>)'."""
    return (f"Measured {date.today().isoformat()} on {platform.node() or 'this machine'} "
            f"({platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()})")


def write_section(name: str, markdown: str, doc: Path = DOC) -> None:
    """Replace (or append) the ``bench_<name>`` section of ``doc`` with ``markdown``."""
    start, end = f"<!-- bench_{name}:start -->", f"<!-- bench_{name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Performance\n\n"
    if start in text and end in text:
        a, b = text.index(start), text.index(end) + len(end)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    shown = doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc
    print(f"\nwrote {shown} (section {name})")
