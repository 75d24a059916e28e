"""Resource guards: a network past the budget is refused while lowering, before anything is allocated.

Each refusal is measured with tracemalloc: the peak of Python allocations while archspec lowers
the spec stays far below what building the network would take. Wall times are not asserted here
(CI machines vary); docs/reliability.md lists them.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

import archspec
from archspec import Budget, SpecError
from archspec.cli import main
from tests.conftest import spec

LIMIT_MB = 50


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak traced memory (MB) while ``fn`` runs; the parser and prelude are warmed up first."""
    archspec.loads(spec("stem:\n  conv 8 k3\n"))
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1e6


def refused(text: str, message: str, budget: Budget | None = None) -> tuple[SpecError, float]:
    """Load ``text``; it must raise a located SpecError containing ``message``. Returns it and the peak MB."""
    caught: list[SpecError] = []

    def run() -> None:
        try:
            archspec.loads(text, "big.arch", budget=budget)
        except SpecError as e:
            caught.append(e)

    mb = peak_mb(run)
    assert caught, "the spec was accepted"
    e = caught[0]
    assert message in e.message, e.format()
    assert e.file == "big.arch" and e.span is not None, e.format()
    return e, mb


# (case, spec text, message fragment, line)
HUGE = [
    ("1e9 repeats in a stage table", spec("stages basic:\n  64 x1000000000 s1\n"), "repeats is over the budget", 4),
    ("1e9 repeats of a combinator", spec("stem:\n  conv 8 k3\n  repeat 1000000000:\n    conv 8 k3\n"), "repeats is over the budget", 5),
    ("99,999 repeats (under the repeat limit)", spec("stages basic:\n  64 x99999 s1\n"), "more than 100,000 layers", 4),
    ("nested repeats, 1e9 layers in all", spec("stem:\n  repeat 1000:\n    repeat 1000:\n      repeat 1000:\n        conv 8 k3\n"),
     "more than 100,000 layers", 5),
    ("1e12 channels", spec("stem:\n  conv 1000000000000 k3\n"), "over the budget", 4),
    ("1e12 channels, computed", spec("let w = 10**12\nstem:\n  conv w k3\n"), "over the budget", 5),
    ("1e6 x 1e6 input", spec("stem:\n  conv 16 k3\n", input="3x1000000x1000000"), "over the budget", 2),
    ("1e6 x 1e6 input, pooled at once", spec("head:\n  avgpool global\n  fc 10\n", input="3x1000000x1000000"), "over the budget", 2),
    ("1e12 parameters in two fc layers", spec("head:\n  fc 1000000\n  fc 1000000\n"), "parameters", 5),
    ("a layer of 3e10 values", spec("stem:\n  avgpool size=100000\n"), "values per sample", 4),
    ("a loop that makes no layers", spec("stem:\n  conv 8 k3\n  repeat 90000:\n    repeat 90000:\n      let q = 1\n"), "steps", 5),
]


@pytest.mark.parametrize("text,message,line", [c[1:] for c in HUGE], ids=[c[0] for c in HUGE])
def test_huge_networks_are_refused_with_little_memory(text: str, message: str, line: int) -> None:
    e, mb = refused(text, message)
    assert e.line == line, e.format()
    assert mb < LIMIT_MB, f"{mb:.1f} MB to refuse"


def test_exponential_block_expansion_is_bounded() -> None:
    """Blocks that call the block below twice, 25 deep: 2^25 calls, refused by the step budget."""
    blocks = "".join(f"block b{i}(c):\n  b{i - 1} c\n  b{i - 1} c\n" for i in range(1, 26))
    text = spec(blocks + "block b0(c):\n  act\nstem:\n  conv 8 k3\n  b25 8\n")
    # A small budget keeps the test quick; the default (100,000 layers) is timed in docs/reliability.md.
    e, mb = refused(text, "more than", Budget(max_nodes=1_000))
    assert "5,000 steps" in e.message or "1,000 layers" in e.message, e.format()
    assert mb < LIMIT_MB


def test_budget_is_configurable_in_the_api() -> None:
    text = spec("stem:\n  conv 64 k3\n  conv 64 k3\n")
    net = archspec.loads(text)
    assert (net.params, len(net.layers)) == (3 * 64 * 9 + 64 * 64 * 9 + 4 * 64, 6)
    archspec.loads(text, budget=Budget(max_params=net.params, max_nodes=6, max_activations=6 * 64 * 32 * 32))
    refused(text, "parameters", Budget(max_params=net.params - 1))
    refused(text, "more than 5 layers", Budget(max_nodes=5))
    refused(text, "activations reach", Budget(max_activations=6 * 64 * 32 * 32 - 1))
    refused(text, "values per sample", Budget(max_layer_elements=64 * 32 * 32 - 1))


def test_default_budget_admits_the_whole_zoo() -> None:
    from archspec import zoo

    for entry in zoo.entries():
        archspec.load(entry.name)


@pytest.mark.parametrize("flag,value,message", [
    ("--max-params", "1000", "parameters"),
    ("--max-layers", "10", "more than 10 layers"),
    ("--max-activations", "100000", "over the budget of 100,000 values"),
    ("--max-layer-output", "5e5", "outputs 802,816 values per sample, over the budget of 500,000 values for one layer"),
])
def test_budget_flags(capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str) -> None:
    assert main(["check", "resnet18", flag, value]) == 1  # a budget is a check that failed: exit 1
    err = capsys.readouterr().err
    assert message in err and "resnet18.arch:" in err.splitlines()[0], err
    assert "Traceback" not in err


def test_raising_a_flag_admits_a_bigger_network(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    path = tmp_path / "deep.arch"
    path.write_text(spec("stem:\n  conv 8 k3\n  repeat 60000:\n    act\n"))
    assert main(["check", str(path), "--max-layers", "50000"]) == 1
    assert main(["check", str(path), "--max-layers", "70000"]) == 0
    capsys.readouterr()
