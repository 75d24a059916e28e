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


# Each section's heading, by the name `--only` takes. The quick run is split by section so the suite's
# workers share it (one process ran them all in ~45 s); together they are the whole page.
HEADINGS = {"analysis": "## Analysis", "inprocess": "## In-process", "starts": "## Command start", "scaling": "## Scaling",
            "build": "## Compile", "runtime-cpu": "## Runtime on CPU", "reparam": "## Re-parameterisation",
            "runtime-gpu": "## Runtime on GPU"}


def test_every_section_is_run_by_a_test() -> None:
    from bench.__main__ import SECTIONS

    assert set(SECTIONS) == set(HEADINGS)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HEADINGS))
def test_quick_run_writes_the_section(tmp_path: Path, name: str) -> None:
    out = tmp_path / "benchmarks.md"
    subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", name, "--out", str(out)], cwd=ROOT, check=True,
                   timeout=600)
    text = out.read_text()
    assert "## Targets" in text and "## Machine" in text and f"--only {name}" in text
    assert [h for h in HEADINGS.values() if h in text] == [HEADINGS[name]]
    assert "| Python |" in text and "| torch |" in text
    if name == "scaling":
        assert (tmp_path / "benchmarks-scaling.svg").read_text().startswith("<svg")


def test_only_needs_known_names_and_an_out_file(tmp_path: Path) -> None:
    page = ROOT / "docs" / "benchmarks.md"
    before = page.read_bytes()
    for args in (["--only", "build"], ["--only", "nonsense", "--out", str(tmp_path / "b.md")]):
        done = subprocess.run([sys.executable, "-m", "bench", "--quick", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 2 and "--only" in done.stderr
    assert page.read_bytes() == before and not (tmp_path / "b.md").exists()


def test_page_says_why_a_target_was_not_run() -> None:
    from bench.page import Target, targets_table

    rows = "\n".join(targets_table([Target("GPU runtime", "ratio ≈ 1", "—", None, "no CUDA device"),
                                    Target("fast", "< 1 s", "0.5 s", True)]))
    assert "not run: no CUDA device" in rows and "| met |" in rows


def test_the_explorer_load_section_is_written_and_replaced(tmp_path: Path) -> None:
    from bench.load import BEGIN, END, markdown, percentile, write_section

    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.0 and percentile([3.0, 1.0, 2.0, 4.0], 95) == 4.0
    level = {"users": 5, "scripts": 10, "failed": 1, "errors": ["resnet50: TimeoutError: x"], "wall_s": 60.0,
             "server_p50_s": 0.05, "server_p95_s": 0.4, "server_cpu": 0.3, "client_cpu": 0.9, "rss_start_mb": 200,
             "rss_end_mb": 230, "steps": {"open": {"p50": 2.0, "p95": 3.5}, "fix→diagram": {"p50": 0.6, "p95": 1.2}}}
    data = {"levels": [level], "rounds": 2, "layout": "server", "minutes": 1.5, "load_before": "0.1 0.1 0.1",
            "load_after": "1.0 0.5 0.2", "rss_mb": [(0.0, 190), (10.0, 240), (20.0, 230)]}
    section = markdown(data)
    assert section.startswith(BEGIN) and section.rstrip().endswith(END)
    assert "| 5 | 10 (1 failed) | 0.050 / 0.400 | 0.30 | 2.00 / 3.50 | — | 0.60 / 1.20 |" in section
    assert "190 MB as it started, 240 MB at most, 230 MB at the end" in section
    assert "resnet50: TimeoutError: x" in section
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nother sections\n")
    write_section(page, section)
    level["users"] = 7
    write_section(page, markdown(data))
    text = page.read_text()
    assert text.count(BEGIN) == 1 and "| 7 | 10 (1 failed)" in text and text.startswith("# Benchmarks\n\nother sections\n")


def test_the_hostile_run_is_set_beside_the_quiet_one() -> None:
    from bench.load import HOSTILE_REPEATS, markdown

    def level(users: int, p95: float, hostile: int = 0, pastes: int = 0) -> dict:
        return {"users": users, "hostile": hostile, "hostile_pastes": pastes, "scripts": users, "failed": 0, "errors": [],
                "wall_s": 30.0, "server_p50_s": 0.1, "server_p95_s": p95, "server_cpu": 0.2, "client_cpu": 0.9,
                "rss_start_mb": 200, "rss_end_mb": 210, "steps": {"fix→diagram": {"p50": 0.5, "p95": 0.9 + p95}}}

    run = {"rounds": 1, "layout": "server", "minutes": 3.0, "load_before": "0.1", "load_after": "1.0", "rss_mb": [(0.0, 200)]}
    quiet = {**run, "levels": [level(1, 0.1), level(10, 0.3)]}
    spoiled = {**run, "levels": [level(10, 1.5, hostile=2, pastes=17)]}
    text = markdown(quiet, hostile=spoiled)
    assert "| 10 + 2 hostile | 10 (0 failed) | 0.100 / 1.500 |" in text
    assert (f"with 10 users, 2 more pasted a {HOSTILE_REPEATS:,}-block spec 17 times: the others' script runs took "
            "1.50 s at p95 against 0.30 s without them (over the 1 s budget); in their browsers, whose core the "
            "hostile tabs share, fix → diagram took 2.40 s at p95 against 1.20 s; 0 of their 10 scripts failed") in text
    assert "--users 10 --rounds 1 --hostile 2" in text
    assert "hostile" not in markdown(quiet)


def test_reparam_section_reports_a_ratio() -> None:
    """The RepVGG fusing section runs (one round) and reports the ratio, the conv count and the logits' difference."""
    from bench.reparam import reparam

    s = reparam(1, 1)
    text = s.markdown()
    assert "| repvgg_a0 |" in text and "44 → 22" in text
    assert s.targets and s.targets[0].goal == "faster (< 1)"


@pytest.mark.slow
def test_the_language_server_keystroke_bench_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.lsp", "--repeat", "2"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True)
    assert "efficientnet.arch:b7, 2 keystrokes" in done.stdout and "ratio keystroke / check:" in done.stdout
