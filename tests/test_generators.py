"""Lists, comprehensions and generated stage-table rows: a stage table computed from a rule (RegNet)."""

from __future__ import annotations

import pytest

import archspec
from archspec.fmt import fmt
from tests.conftest import spec

ROWS = """let widths = [16, 16, 32, 32, 32, 64]
stem:
  conv 16 k3
stages basic:
  for w, n in runs(widths): c=w x=n s2
"""


def test_generated_rows_make_one_stage_per_item() -> None:
    net = archspec.loads(spec(ROWS, input="3x64x64"))
    stages = [s for s in net.graph.scopes if s.kind == "stage" and "block" in s.info]
    assert [(s.name, s.info["c"], s.info["repeats"]) for s in stages] == [("stage1", 16, 2), ("stage2", 32, 3),
                                                                         ("stage3", 64, 1)]
    written = archspec.loads(spec("stem:\n  conv 16 k3\nstages basic:\n  16 x2 s2\n  32 x3 s2\n  64 x1 s2\n", input="3x64x64"))
    assert [(n.name, n.out) for n in net.graph.nodes] == [(n.name, n.out) for n in written.graph.nodes]


def test_expressions_over_lists() -> None:
    text = spec("let xs = [c * 2 for c in range(1, 4)]\nlet last = xs[-1]\nlet n = len(xs)\n"
                "let r = runs([1, 1, 2])\nstem:\n  conv xs[0] * 4 + last + n + r[1][1] k3\n")
    net = archspec.loads(text)
    assert net.config.globals.values["xs"] == (2, 4, 6)
    assert net.graph.nodes[0].out[0] == 2 * 4 + 6 + 3 + 1


def test_the_regnet_rule_is_the_papers() -> None:
    """u_j = w0 + wa·j quantised in log space: the widths torchvision computes for RegNetX-400MF."""
    text = spec("let ws = [8 * round(24 * 2.54 ** round(log((24 + 24.48 * j) / 24) / log(2.54)) / 8) for j in range(22)]\n"
                "stem:\n  conv 8 k3\n")
    assert archspec.loads(text).config.globals.values["ws"] == (24,) + (64,) * 2 + (152,) * 7 + (392,) * 12


def test_fmt_round_trips_lists_and_generated_rows() -> None:
    text = spec(ROWS, input="3x64x64")
    once = fmt(text, "t.arch")
    assert fmt(once, "t.arch") == once
    assert "for w, n in runs(widths): c=w x=n s2" in once
    a, b = archspec.loads(text), archspec.loads(once)
    assert [(n.name, n.out) for n in a.graph.nodes] == [(n.name, n.out) for n in b.graph.nodes]


def test_expand_writes_generated_rows_out() -> None:
    net = archspec.loads(spec(ROWS, input="3x64x64"))
    text = net.expand()
    assert "for " not in text and "runs" not in text
    again = archspec.loads(text)
    assert [(n.name, n.op, n.out) for n in again.graph.nodes] == [(n.name, n.op, n.out) for n in net.graph.nodes]


@pytest.mark.parametrize(
    ("body", "message", "where"),
    [
        ("let xs = []\nstem:\n  conv 8 k3\nstages basic:\n  for w in xs: c=w\n", "makes no stages: its list is empty", (7, 12)),
        ("stem:\n  conv 8 k3\nstages basic:\n  for w in 3: c=w\n", "goes through a list, got `3`", (6, 12)),
        ("stem:\n  conv 8 k3\nstages basic:\n  for w, n in [1, 2]: c=w x=n\n", "cannot unpack `1` into 2 names", (6, 15)),
        ("let xs = [1, 2]\nstem:\n  conv xs[2] k3\n", "index 2 is outside the list of 2 item(s)", (5, 11)),
        ("let xs = [c for c in range(100000)]\nstem:\n  conv 8 k3\n", "a range of more than 10,000 items", (3, 22)),
        ("let xs = [1, 2]\nstem:\n  conv xs k3\n", "expected output channels, got `[1, 2]`", (5, 8)),
        ("stem:\n  conv log(0) k3\n", "logarithm of a number that is not positive", (4, 8)),
        ("let x = 5\nstem:\n  conv x[0] k3\n", "expected a list to index, got `5`", (5, 8)),
    ],
)
def test_generator_mistakes_are_located(body: str, message: str, where: tuple[int, int]) -> None:
    with pytest.raises(archspec.SpecError) as exc:
        archspec.loads(spec(body))
    assert message in exc.value.message
    assert (exc.value.line, exc.value.col) == where
