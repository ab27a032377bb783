"""The benchmark scripts' shared writer of docs/performance.md sections."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from perf_doc import write_section  # noqa: E402


def test_a_section_is_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nintro kept\n\n<!-- bench_model:start -->\nold\n"
                   "<!-- bench_model:end -->\n\ntail kept\n", encoding="utf-8")
    write_section("model", "## Model\n\nnew table", doc=doc)
    text = doc.read_text(encoding="utf-8")
    assert "old" not in text and "new table" in text
    assert text.startswith("# Performance\n\nintro kept\n")
    assert text.endswith("<!-- bench_model:end -->\n\ntail kept\n")
    write_section("sweep", "## Sweeps", doc=doc)  # a missing section is appended
    text = doc.read_text(encoding="utf-8")
    assert text.index("bench_model:end") < text.index("<!-- bench_sweep:start -->\n## Sweeps")
    assert text.count("bench_model:start") == 1


def test_the_real_document_has_every_section() -> None:
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    for name in ("model", "sweep", "profile", "app"):
        assert text.count(f"<!-- bench_{name}:start -->") == 1, name
        assert text.count(f"<!-- bench_{name}:end -->") == 1, name
