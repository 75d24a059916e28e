"""The prelude's blocks: the seed notes' worked examples, and each block against torchvision's module.

Reference numbers come from tests/reference/papers.md ("Worked examples in the seed notes")
and from torchvision's own block classes, never from archspec's output.
"""

from __future__ import annotations

import importlib
from fractions import Fraction
from typing import Any

import pytest
import torch
from torch import nn
from torchvision.ops import SqueezeExcitation

import archspec
from archspec.backends.torch import copy_by_position
from tests.conftest import spec


def _conv_weights(net: archspec.Network) -> int:
    return sum(layer.params for layer in net.layers if layer.op == "conv")


def _macs(net: archspec.Network) -> int:
    return sum(layer.macs for layer in net.layers)


# ---- worked examples ---------------------------------------------------------------------------


def test_basic_vs_bottleneck_weights_at_256_channels() -> None:
    basic = archspec.loads(spec("stem:\n  basic 256\n", input="256x56x56"))
    bottleneck = archspec.loads(spec("stem:\n  bottleneck 64 expansion=4\n", input="256x56x56"))
    assert _conv_weights(basic) == 2 * (3 * 3 * 256 * 256) == 1_179_648
    assert _conv_weights(bottleneck) == 256 * 64 + 3 * 3 * 64 * 64 + 64 * 256 == 69_632
    assert round(_conv_weights(basic) / _conv_weights(bottleneck), 1) == 16.9
    assert basic.output == bottleneck.output == (256, 56, 56)


def test_inception_3a_on_28x28x192() -> None:
    net = archspec.loads(spec("stem:\n  inception 64 96 128 16 32 32\n", input="192x28x28"))
    assert net.output == (256, 28, 28)
    concat = next(n for n in net.graph.nodes if n.op == "concat")
    assert [net.graph.nodes[i].out[0] for i in concat.inputs] == [64, 128, 32, 32]


@pytest.mark.parametrize(("n", "k"), [(64, 3), (512, 3), (1024, 3), (256, 5)])
def test_depthwise_separable_cost_ratio(n: int, k: int) -> None:
    sep = archspec.loads(spec(f"stem:\n  dwsep {n} k={k}\n", input="256x14x14"))
    full = archspec.loads(spec(f"stem:\n  conv {n} k{k}\n", input="256x14x14"))
    assert Fraction(_macs(sep), _macs(full)) == Fraction(1, n) + Fraction(1, k * k)


def test_depthwise_separable_is_about_a_ninth_for_large_n() -> None:
    sep = archspec.loads(spec("stem:\n  dwsep 1024\n", input="1024x7x7"))
    full = archspec.loads(spec("stem:\n  conv 1024 k3\n", input="1024x7x7"))
    assert _macs(sep) / _macs(full) == pytest.approx(1 / 9, rel=0.01)


def test_inverted_residual_32_192_192_64_stride_2() -> None:
    net = archspec.loads(spec("stem:\n  inverted_residual 64 s=2 t=6\n", input="32x56x56"))
    convs = [layer for layer in net.layers if layer.op == "conv"]
    assert [(c.attrs.in_c, c.attrs.out_c, c.attrs.s, c.attrs.g) for c in convs] == [
        (32, 192, 1, 1), (192, 192, 2, 192), (192, 64, 1, 1)]
    assert net.output == (64, 28, 28)
    assert not any(layer.op == "add" for layer in net.layers)  # stride 2: no skip at all


# ---- block semantics -----------------------------------------------------------------------------


def test_inverted_residual_skip_only_when_stride_1_and_same_width() -> None:
    same = archspec.loads(spec("stem:\n  inverted_residual 32 t=6\n", input="32x8x8"))
    wider = archspec.loads(spec("stem:\n  inverted_residual 48 t=6\n", input="32x8x8"))
    assert [layer.op for layer in same.layers].count("add") == 1
    assert [layer.op for layer in wider.layers].count("add") == 0
    assert not any(layer.op == "conv" and layer.attrs.k == 1 and layer.attrs.in_c != layer.attrs.out_c
                   and layer.attrs.out_c == 32 for layer in wider.layers)


def test_no_expansion_conv_when_t_or_e_is_1() -> None:
    for call in ("inverted_residual 16 t=1", "mbconv 16 e=1", "mbv3 16 exp=16"):
        net = archspec.loads(spec(f"stem:\n  {call}\n", input="16x8x8"))
        convs = [layer for layer in net.layers if layer.op == "conv" and layer.attrs.g == 1 and layer.attrs.k == 1]
        assert convs[0].attrs.in_c == 16 and convs[-1].attrs.out_c == 16
        assert net.layers[0].attrs.g == 16, call  # the depthwise conv comes first


def test_linear_bottleneck_has_no_activation_after_the_projection() -> None:
    net = archspec.loads(spec("stem:\n  inverted_residual 24 t=6\n", input="24x8x8"))
    assert [layer.op for layer in net.layers][-3:] == ["conv", "norm", "add"]


@pytest.mark.parametrize(("call", "squeeze"), [
    ("se", 24),                        # base: the SE's own input (96 channels), 96 // 4
    ("se base=16", 4),                 # base given by the caller (EfficientNet's block input)
    ("se ratio=0.0625", 6),
    ("se divisor=8", 24),              # make_divisible(96 // 4, 8)
])
def test_se_squeeze_width_and_its_base(call: str, squeeze: int) -> None:
    net = archspec.loads(spec(f"stem:\n  {call}\n", input="96x8x8"))
    convs = [layer for layer in net.layers if layer.op == "conv"]
    assert [c.attrs.out_c for c in convs] == [squeeze, 96]
    assert net.output == (96, 8, 8)
    assert net.blocks[0].info["squeeze"] == squeeze


def test_mbconv_squeezes_from_the_block_input_not_the_expanded_width() -> None:
    net = archspec.loads(spec("stem:\n  mbconv 24 e=6\n", input="40x8x8"))
    se_convs = [layer for layer in net.layers if ".se1." in layer.path and layer.op == "conv"]
    assert [c.attrs.out_c for c in se_convs] == [40 // 4, 240]
    assert net.blocks[0].info["hidden"] == 240 and net.blocks[0].info["se.squeeze"] == 10


def test_stochastic_depth_only_in_training() -> None:
    text = spec("defaults: norm=none\nstem:\n  mbconv 16 e=2 drop=0.5\n", input="16x4x4")
    net = archspec.loads(text)
    assert [layer.attrs.p for layer in net.layers if layer.op == "droppath"] == [0.5]
    m = net.to_torch()
    torch.manual_seed(0)
    x = torch.randn(64, 16, 4, 4)
    with torch.no_grad():
        m.eval()
        assert torch.equal(m(x), m(x))
        kept = (m(x) - x).flatten(1).abs().amax(1) > 0
        assert bool(kept.all())
        m.train()
        dropped = (m(x) - x).flatten(1).abs().amax(1) == 0  # a dropped branch leaves the input as it was
        assert 0 < int(dropped.sum()) < 64


def test_dense_block_grows_then_transition_compresses() -> None:
    net = archspec.loads(spec("stem:\n  dense_block 6 growth=32 bn_size=4\n", input="64x56x56"))
    concat_widths = [layer.out[0] for layer in net.layers if layer.op == "concat"]
    assert concat_widths == [64 + 32 * i for i in range(1, 7)]
    assert net.output == (128, 28, 28)  # DenseNet-121's first transition: 256 → 128, 56 → 28
    last = archspec.loads(spec("stem:\n  dense_block 6 last=true\n", input="64x56x56"))
    assert last.output == (256, 56, 56)


def test_dense_layer_is_pre_activation_without_bias() -> None:
    net = archspec.loads(spec("stem:\n  dense_layer growth=12 bn_size=4\n", input="24x8x8"))
    assert [layer.op for layer in net.layers] == ["norm", "act", "conv", "norm", "act", "conv"]
    assert all(not layer.attrs.bias for layer in net.layers if layer.op == "conv")
    assert net.output == (12, 8, 8)


def test_vgg_stage() -> None:
    net = archspec.loads(spec("defaults: norm=none\nstem:\n  vgg_stage 64 n=3\n", input="3x32x32"))
    assert [layer.op for layer in net.layers] == ["conv", "act"] * 3 + ["maxpool"]
    assert net.output == (64, 16, 16)


def test_inception_5x5_quirk_is_a_parameter() -> None:
    paper = archspec.loads(spec("stem:\n  inception 64 96 128 16 32 32\n", input="192x28x28"))
    quirk = archspec.loads(spec("stem:\n  inception 64 96 128 16 32 32 k_big=3\n", input="192x28x28"))
    assert paper.params - quirk.params == 16 * 32 * (25 - 9)
    assert paper.output == quirk.output == (256, 28, 28)


# ---- each block equals torchvision's module ------------------------------------------------------


def _tv(module: str) -> Any:
    return importlib.import_module(f"torchvision.models.{module}")


def _same(block: str, theirs: nn.Module, shape: tuple[int, int, int], header: str = "") -> None:
    torch.manual_seed(0)
    with torch.no_grad():
        for m in theirs.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.05, 1.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    net = archspec.loads(spec(f"{header}stem:\n  {block}\n", input="x".join(map(str, shape))))
    ours = net.to_torch().eval()
    theirs.eval()
    copy_by_position(ours, theirs.state_dict())
    x = torch.randn(2, *shape)
    with torch.no_grad():
        a, b = ours(x), theirs(x)
    assert a.shape == b.shape == (2, *net.output)
    assert ((a - b).abs().max() / b.abs().max()).item() < 1e-5


def test_inverted_residual_equals_torchvision() -> None:
    _same("inverted_residual 32 s=1 t=6", _tv("mobilenetv2").InvertedResidual(32, 32, 1, 6), (32, 14, 14))
    _same("inverted_residual 24 s=2 t=6", _tv("mobilenetv2").InvertedResidual(16, 24, 2, 6), (16, 14, 14))


def test_mbconv_equals_torchvision() -> None:
    ef = _tv("efficientnet")
    for e, k, s, cin, cout in [(1, 3, 1, 32, 16), (6, 5, 2, 24, 40), (6, 3, 1, 80, 80)]:
        cnf = ef.MBConvConfig(e, k, s, cin, cout, 1)
        _same(f"mbconv {cout} e={e} k={k} s={s}", ef.MBConv(cnf, 0.0, nn.BatchNorm2d), (cin, 16, 16))


def test_fused_mbconv_equals_torchvision() -> None:
    """EfficientNetV2's block: e = 1 (one k×k conv with its activation) and e = 4 (k×k expand, 1×1 project)."""
    ef = _tv("efficientnet")
    for e, k, s, cin, cout in [(1, 3, 1, 24, 24), (4, 3, 2, 24, 48), (4, 3, 1, 64, 64), (1, 3, 2, 16, 24)]:
        cnf = ef.FusedMBConvConfig(e, k, s, cin, cout, 1)
        theirs = ef.FusedMBConv(cnf, 0.0, nn.BatchNorm2d)
        net = archspec.loads(spec(f"stem:\n  fused_mbconv {cout} e={e} k={k} s={s}\n", input=f"{cin}x16x16"))
        assert any(layer.op == "add" for layer in net.layers) == theirs.use_res_connect
        _same(f"fused_mbconv {cout} e={e} k={k} s={s}", theirs, (cin, 16, 16))


def test_fused_mbconv_layers() -> None:
    """Expanded: k×k conv to divisible(in·e) with SiLU, linear 1×1; e = 1: the k×k conv alone, activated; no SE."""
    net = archspec.loads(spec("stem:\n  fused_mbconv 48 e=4 s=2\n", input="24x16x16"))
    convs = [layer.attrs for layer in net.layers if layer.op == "conv"]
    assert [(c.in_c, c.out_c, c.k, c.s, c.g) for c in convs] == [(24, 96, 3, 2, 1), (96, 48, 1, 1, 1)]
    assert [layer.op for layer in net.layers] == ["conv", "norm", "act", "conv", "norm"]
    assert net.blocks[0].info["hidden"] == 96
    single = archspec.loads(spec("stem:\n  fused_mbconv 24 e=1 drop=0.1\n", input="24x16x16"))
    assert [layer.op for layer in single.layers] == ["conv", "norm", "act", "droppath", "add"]
    assert {layer.attrs.kind for layer in single.layers if layer.op == "act"} == {"silu"}


def test_mobilenet_v3_block_equals_torchvision() -> None:
    v3 = _tv("mobilenetv3")
    header = "round: divisor=8 guard=0.9\n"
    cnf = v3.InvertedResidualConfig(40, 5, 120, 40, True, "HS", 1, 1, 1.0)
    _same("mbv3 40 k=5 exp=120 se=true act=hardswish", v3.InvertedResidual(cnf, nn.BatchNorm2d), (40, 14, 14), header)
    cnf = v3.InvertedResidualConfig(16, 3, 64, 24, False, "RE", 2, 1, 1.0)
    _same("mbv3 24 k=3 exp=64 s=2", v3.InvertedResidual(cnf, nn.BatchNorm2d), (16, 14, 14), header)


def test_squeeze_excitation_equals_torchvision() -> None:
    _same("se base=16 act=silu", SqueezeExcitation(96, 4, activation=nn.SiLU), (96, 7, 7))
    _same("se", SqueezeExcitation(64, 16), (64, 7, 7))


def test_inception_equals_torchvision() -> None:
    theirs = _tv("googlenet").Inception(192, 64, 96, 128, 16, 32, 32)
    _same("inception 64 96 128 16 32 32 k_big=3", theirs, (192, 28, 28), "defaults: bn_eps=0.001\n")


def test_dense_block_and_transition_equal_torchvision() -> None:
    dn = _tv("densenet")
    theirs = nn.Sequential(dn._DenseBlock(6, 64, 4, 32, 0.0), dn._Transition(256, 128))
    _same("dense_block 6 growth=32 bn_size=4", theirs, (64, 16, 16))


# ---- what the prelude and the zoo needed from the language ------------------------------------------


def test_width_parameters_take_alpha_at_network_level() -> None:
    text = spec("block b(c, exp: width = 8, k=3):\n  conv exp k=k\n  conv c k1\nstem:\n  b 16 exp=32\n"
                "stages b:\n  c16 exp=32 x1\n", input="3x8x8")
    widths = lambda net: [layer.out[0] for layer in net.layers if layer.op == "conv"]  # noqa: E731
    assert widths(archspec.loads(text)) == [32, 16, 32, 16]
    assert widths(archspec.loads(text, overrides={"alpha": 0.5})) == [16, 8, 16, 8]
    # inside a block, a literal width is the block's business: α does not touch it
    inner = spec("block b(c):\n  conv 24 k3\n  conv c k1\nstem:\n  b 16\n", input="3x8x8")
    assert widths(archspec.loads(inner, overrides={"alpha": 0.5})) == [24, 8]


def test_unknown_parameter_kind_is_an_error() -> None:
    with pytest.raises(archspec.SpecError, match="unknown parameter kind `channels`"):
        archspec.loads(spec("block b(c: channels):\n  conv c k1\nstem:\n  b 8\n"))


def test_a_name_that_reads_as_a_shorthand_is_refused() -> None:
    with pytest.raises(archspec.SpecError, match="`c1` cannot be a parameter name"):
        archspec.loads(spec("block b(c1):\n  conv c1 k1\nstem:\n  b 8\n"))
    with pytest.raises(archspec.SpecError, match="`n12` cannot be a variable name"):
        archspec.loads(spec("let n12 = 2\nstem:\n  conv 8 k1\n"))


def test_adaptive_pool_to_a_fixed_size() -> None:
    net = archspec.loads(spec("stem:\n  conv 8 k3 s2\n  avgpool size=3\nhead:\n  fc 10\n", input="3x20x20"))
    pool = next(layer for layer in net.layers if layer.op == "avgpool")
    assert pool.out == (8, 3, 3) and pool.fvcore == 8 * 10 * 10
    m = net.to_torch()
    assert isinstance(m.get_submodule(pool.path), nn.AdaptiveAvgPool2d)
    with torch.no_grad():
        assert m(torch.randn(1, 3, 20, 20)).shape == (1, 10) and m(torch.randn(1, 3, 9, 9)).shape == (1, 10)
    with pytest.raises(archspec.SpecError, match="takes no `k`"):
        archspec.loads(spec("stem:\n  avgpool k3 size=3\n"))


def test_stage_arguments_are_evaluated_per_block() -> None:
    text = spec("stages mbconv(drop=0.4 * block_index / num_blocks):\n  c16 e1 x2\n  c16 e1 x2\n", input="16x8x8")
    drops = [layer.attrs.p for layer in archspec.loads(text).layers if layer.op == "droppath"]
    assert drops == pytest.approx([0.1, 0.2, 0.3])  # block 0 has p = 0: no drop-path layer at all


def test_defaults_may_read_a_variant_variable() -> None:
    text = spec("let eps = 0.00001\ndefaults: bn_eps=eps\nvariants:\n  a: eps=0.00001\n  b: eps=0.001\n"
                "stem:\n  conv 8 k3\n")
    eps = lambda v: next(n.attrs.eps for n in archspec.loads(text, variant=v).graph.nodes if n.op == "norm")  # noqa: E731
    assert (eps("a"), eps("b")) == (0.00001, 0.001)


def test_variant_names_may_start_with_digits() -> None:
    text = spec("let with_bn = 0\ndefaults: norm=(bn if with_bn else none)\nvariants:\n  16: with_bn=0\n  16_bn: with_bn=1\n"
                "stem:\n  conv 8 k3\n")
    assert [v.name for v in archspec.loads(text).spec.variants] == ["16", "16_bn"]
    assert any(layer.op == "norm" for layer in archspec.loads(text, variant="16_bn").layers)


def test_section_info_lists_widths_and_block_calls() -> None:
    net = archspec.loads(spec("stem:\n  conv 16 k3\n  inverted_residual 24 t=2\nhead:\n  fc 10\n", input="3x8x8"))
    assert net.stages[0].info == {"widths": [16], "blocks": "inverted_residual(24 s=1 t=2 k=3 act=relu6)"}
    assert net.blocks[0].info["hidden"] == 32
    assert net.stages[1].info == {"widths": [10]}
