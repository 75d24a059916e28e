"""``expand``: every block and repeat written out; the result lowers to the same layers."""

from __future__ import annotations

import re

import pytest

import archspec
from archspec import zoo
from archspec.fmt import fmt
from tests.backends.test_torch import COMBINATOR_SPEC
from tests.conftest import needs_dot, spec


def _layers(net: archspec.Network) -> list:
    """Every layer's path, op, sizes and wiring, in order: the layer graph."""
    return [(n.name, n.op, n.attrs, n.inputs, n.out) for n in net.graph.nodes] + [net.graph.output]


def _check(net: archspec.Network) -> str:
    text = net.expand()
    back = archspec.loads(text, "<expanded>")
    assert _layers(back) == _layers(net)
    assert (back.params, back.macs, back.input) == (net.params, net.macs, net.input)
    assert [s.name for s in back.stages] == [s.name for s in net.stages]
    return text


def test_resnet18_is_written_out() -> None:
    text = _check(archspec.load("resnet18"))
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any(line.startswith(("block ", "stages ", "let ", "variants")) for line in code)
    assert re.search(r"\nstage stage2: +# basic ×2\n  group 0: +# basic c=128 s=2 shortcut=auto\n", text)
    assert "    residual shortcut=projection:\n      conv 128 k3 s2\n      conv 128 k3 act=none\n    act\n" in text


def test_scaling_is_resolved() -> None:
    net = archspec.load("efficientnet_b3")
    text = _check(net)
    assert "variants" not in text and "compound" not in text and "input 3x300x300" in text


@pytest.mark.parametrize("text", [
    COMBINATOR_SPEC,
    spec("stages preact_bottleneck:\n  16 x2 s1\nhead:\n  avgpool global\n  fc 10\n"),
    spec("defaults: norm=none act=tanh\nstem:\n  conv 4 k3\n  norm\n  conv 4 k3 norm=bn act=none bias\n  fc 3\n  act\n"),
    spec("stem:\n  residual act=relu:\n    conv 3 k3\n  residual shortcut=projection act=silu drop_path=0.1:\n    conv 8 k3 s2\n"),
], ids=["combinators", "preact", "no-norm-default", "residual-act"])
def test_every_construct(text: str) -> None:
    _check(archspec.loads(text))


def test_keys_are_kept_so_weights_load_by_name() -> None:
    import torch

    net = archspec.load("efficientnet_b0")
    back = archspec.loads(net.expand(), "<expanded>")
    ours, theirs = net.to_torch(), back.to_torch()
    theirs.load_state_dict(ours.state_dict())  # strict: every key the same
    ours.eval()
    theirs.eval()
    x = torch.randn(1, 3, 64, 64)
    assert torch.equal(ours(x), theirs(x))


def test_a_gate_s_norms_survive_expansion() -> None:
    """A gate's convs default to no norm: one that asks for a norm, or a block the gate calls, says so
    in the expanded text, and so does a shortcut's norm."""
    text = spec("defaults: norm=bn\nblock inner(c):\n  conv c k1\nstem:\n  conv 16 k3\n  scale:\n    avgpool global\n"
                "    conv 4 k1 norm=bn\n    inner 4\n    residual shortcut=projection shortcut_norm=bn:\n      conv 8 k1\n"
                "    conv 16 k1 act=sigmoid\n")
    net = archspec.loads(text)
    assert [n.op for n in net.graph.nodes].count("norm") == 4  # stem, the gate's told conv, inner's conv, the shortcut
    expanded = _check(net)
    assert "conv 4 k1 norm=bn" in expanded and "shortcut_norm=bn" in expanded


def test_repeats_and_groups() -> None:
    net = archspec.loads(spec("stem:\n  repeat 2:\n    conv 4 k3\n  conv 4 k1\n"))
    text = _check(net)
    assert "  group repeat1:  # repeat 2\n    group 0:\n      conv 4 k3\n    group 1:\n" in text
    again = archspec.loads(text).expand()
    assert _layers(archspec.loads(again)) == _layers(net)


def test_the_expansion_is_canonical_text() -> None:
    text = archspec.load("mobilenet_v2").expand()
    assert fmt(text) == text


@pytest.mark.slow
@pytest.mark.parametrize("name", [e.name for e in zoo.entries()])
def test_zoo_expands_to_the_same_layers(name: str) -> None:
    _check(archspec.load(name))


@needs_dot
def test_an_expanded_spec_draws_at_every_level() -> None:
    from archspec.backends import graphviz as gv

    net = archspec.loads(archspec.load("resnet18").expand(), "<expanded>")
    for level in gv.LEVELS:
        assert b"</svg>" in gv.render_bytes(net, "svg", level=level)
