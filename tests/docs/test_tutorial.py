"""docs/tutorial.md: every command's output on the page is what the command prints, its specs are the
files in docs/tutorial/ (which the docs site draws) and are formatted as `archspec fmt` writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from archspec import docgen
from archspec.docgen.examples import arch_examples
from archspec.fmt import fmt

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
REGEN = "run `python -m archspec.docgen docs/tutorial.md --write`"


def test_the_archspec_outputs_are_up_to_date() -> None:
    """Every `$ archspec …` block (the training script's run is the slow test below)."""
    quick = PAGE.replace("```console\n$ python", "```console\n$ (python)")
    assert quick != PAGE
    changes = docgen.diff(quick, "docs/tutorial.md")
    assert not changes, f"docs/tutorial.md disagrees with archspec; {REGEN}:\n{changes}"


@pytest.mark.slow
def test_every_output_is_up_to_date_training_included() -> None:
    changes = docgen.diff(PAGE, "docs/tutorial.md")
    assert not changes, f"docs/tutorial.md disagrees with archspec; {REGEN}:\n{changes}"
    assert "the loss fell over 10 steps: True" in PAGE


def test_the_specs_are_the_files_the_site_draws() -> None:
    examples = {e.file: e.text for e in arch_examples(PAGE)}
    assert set(examples) == {"resnet20.arch", "se_resnet20.arch"}
    for name, text in examples.items():
        assert (ROOT / "docs" / "tutorial" / name).read_text(encoding="utf-8") == text, name
        assert fmt(text) == text, f"{name} is not formatted as `archspec fmt` writes it"
        assert f"```archspec\ntutorial/{name}\n```" in PAGE or f"tutorial/{name}\n```" in PAGE


def test_the_tutorial_design_is_the_papers() -> None:
    """ResNet-20 with option-A shortcuts: the paper's 0.27 M parameters (He et al., 2015, Table 6)."""
    import archspec

    net = archspec.load(str(ROOT / "docs" / "tutorial" / "resnet20.arch"))
    assert net.params == 269_722 and round(net.params / 1e6, 2) == 0.27
    assert [s.out for s in net.stages[1:4]] == [(16, 32, 32), (32, 16, 16), (64, 8, 8)]
