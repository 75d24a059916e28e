"""The benchmark command runs end to end (tiny repetition counts) and writes a complete page.

No timing is asserted here: the figures live in docs/benchmarks.md, written by ``python -m bench``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("torchvision")
pytest.importorskip("fvcore")


@pytest.mark.slow
def test_quick_run_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=ROOT, check=True, timeout=600)
    text = out.read_text()
    for heading in ("## Targets", "## Machine", "## Analysis", "## Command start", "## In-process", "## Scaling",
                    "## Compile", "## Runtime on CPU", "## Runtime on GPU"):
        assert heading in text, heading
    assert (tmp_path / "benchmarks-scaling.svg").read_text().startswith("<svg")
    assert "| Python |" in text and "| torch |" in text


def test_page_says_why_a_target_was_not_run() -> None:
    from bench.page import Target, targets_table

    rows = "\n".join(targets_table([Target("GPU runtime", "ratio ≈ 1", "—", None, "no CUDA device"),
                                    Target("fast", "< 1 s", "0.5 s", True)]))
    assert "not run: no CUDA device" in rows and "| met |" in rows
