"""Analysis against the reference figures (torchvision parameter counts, fvcore totals, papers)."""

from __future__ import annotations

import pytest

import archspec
from tests.conftest import spec

RESNETS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2"]


@pytest.mark.parametrize("name", RESNETS)
def test_params_and_macs_equal_the_reference(name: str, reference: dict) -> None:
    net = archspec.load(name)
    assert (net.params, net.macs) == (reference[name]["params"], reference[name]["macs"])


@pytest.mark.parametrize("name", RESNETS)
def test_fvcore_total_and_operators_equal_the_reference(name: str, reference: dict) -> None:
    net = archspec.load(name)
    ref = reference[name]
    assert net.fvcore == ref["fvcore_flops"]
    by_op: dict[str, int] = {}
    for layer in net.layers:
        key = {"conv": "conv", "linear": "linear", "norm": "batch_norm", "avgpool": "adaptive_avg_pool2d"}.get(layer.op)
        if key and layer.fvcore:
            by_op[key] = by_op.get(key, 0) + layer.fvcore
    assert by_op == ref["fvcore_by_operator"]


def test_resnet50_paper_layout_matches_table_1() -> None:
    net = archspec.load("resnet50_paper")
    assert abs(net.macs - 3.8e9) / 3.8e9 < 0.03
    assert net.params == archspec.load("resnet50").params  # moving the stride changes cost, not weights


@pytest.mark.parametrize("name,gmacs", [("resnet18", 1.8), ("resnet34", 3.6), ("resnet101", 7.6), ("resnet152", 11.3)])
def test_resnet_table_1(name: str, gmacs: float) -> None:
    # Table 1's figures; torchvision's layout for the bottleneck models costs a little more.
    assert abs(archspec.load(name).macs / 1e9 - gmacs) / gmacs < 0.04


def test_flops_convention_by_hand() -> None:
    net = archspec.loads(spec("stem:\n  conv 4 k3 bias norm=none act=relu\nhead:\n  avgpool global\n  fc 2\n", input="1x4x4"))
    conv_macs = 4 * 4 * 4 * (1 * 3 * 3)
    fc_macs = 4 * 2
    assert net.macs == conv_macs + fc_macs
    # conv 2·MACs + bias adds; relu 1/elem; global pool reads 64; flatten 0; fc 2·MACs + bias adds
    assert net.flops == 2 * conv_macs + 64 + 64 + 64 + 2 * fc_macs + 2
    assert net.params == 4 * 9 + 4 + 4 * 2 + 2


def test_memory_per_layer_and_totals() -> None:
    net = archspec.load("resnet18")
    stem_conv = net.layers[0]
    assert stem_conv.out == (64, 112, 112) and stem_conv.activations == 64 * 112 * 112
    d = net.to_dict()
    assert d["activation_bytes"] == 4 * sum(layer.activations for layer in net.layers)
    assert d["layers"][0]["activation_bytes"] == 4 * 64 * 112 * 112
    assert sum(s.params for s in net.stages) == net.params
    assert sum(s.macs for s in net.stages) == net.macs
    assert sum(b.params for b in net.blocks) == net.params - sum(s.params for s in net.stages if s.name in ("stem", "head"))


def test_seed_worked_example_basic_vs_bottleneck_weights() -> None:
    """At 256 channels two 3×3 convs hold 1,179,648 weights; a 256→64→64→256 bottleneck 69,632."""
    basic = archspec.loads(spec("stem:\n  conv 256 k3 norm=none act=none bias=false\n  conv 256 k3 norm=none act=none bias=false\n",
                                input="256x56x56"))
    bottleneck = archspec.loads(spec(
        "stem:\n  conv 64 k1 norm=none act=none bias=false\n  conv 64 k3 norm=none act=none bias=false\n"
        "  conv 256 k1 norm=none act=none bias=false\n", input="256x56x56"))
    assert basic.params == 2 * (3 * 3 * 256 * 256) == 1_179_648
    assert bottleneck.params == 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256 == 69_632
    assert round(basic.params / bottleneck.params, 1) == 16.9
