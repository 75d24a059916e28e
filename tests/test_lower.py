"""Lowering: blocks expanded, sizes resolved, shapes inferred, hierarchy and spans recorded."""

from __future__ import annotations

import archspec
from tests.conftest import spec


def _conv_params(cin: int, cout: int, k: int, groups: int = 1, bias: bool = False) -> int:
    return cout * (cin // groups) * k * k + (cout if bias else 0)


def test_conv_norm_act_expansion_and_defaults() -> None:
    net = archspec.loads(spec("defaults: act=silu bn_eps=0.001\nstem:\n  conv 16 k3 s2\n"))
    ops = [(layer.op, layer.out) for layer in net.layers]
    assert ops == [("conv", (16, 16, 16)), ("norm", (16, 16, 16)), ("act", (16, 16, 16))]
    conv, norm, act = net.graph.nodes
    assert conv.attrs._asdict() == {"in_c": 3, "out_c": 16, "k": 3, "s": 2, "p": 1, "d": 1, "g": 1, "bias": False}
    assert norm.attrs.eps == 0.001 and act.attrs.kind == "silu"
    assert net.params == _conv_params(3, 16, 3) + 2 * 16


def test_norm_settings_generalise_the_bn_names() -> None:
    """`norm_eps` / `norm_momentum` set every norm's eps and momentum; `bn_eps` / `bn_momentum` still work."""
    def norms(settings: str) -> set[tuple[float, float]]:
        net = archspec.loads(spec(f"defaults: {settings}\nstem:\n  conv 8 k3\n  norm\n  fc 4\n  norm\n"))
        return {(n.attrs.eps, n.attrs.momentum) for n in net.graph.nodes if n.op == "norm"}

    assert norms("norm_eps=0.001 norm_momentum=0.01") == {(0.001, 0.01)}
    assert norms("bn_eps=0.001 bn_momentum=0.01") == {(0.001, 0.01)}
    assert norms("act=relu") == {(1e-5, 0.1)}
    try:
        archspec.loads(spec("defaults: bn_eps=0.001 norm_eps=0.01\nstem:\n  conv 8 k3\n"))
    except archspec.SpecError as exc:
        assert "given twice" in exc.message and (exc.line, exc.col) == (3, 24)
    else:
        raise AssertionError("two names for one setting were accepted")


def test_stage_rows_leave_the_spec_globals_alone() -> None:
    """`block_index` / `num_blocks` live in each row's own scope: lowering changes no shared setting."""
    net = archspec.load("efficientnet_b0")
    assert "block_index" not in net.config.globals.values and "num_blocks" not in net.config.globals.values
    drops = [n.attrs.p for n in net.graph.nodes if n.op == "droppath"]
    assert drops == sorted(drops) and drops[-1] < 0.2


def test_padding_defaults_to_same_and_pools_to_zero() -> None:
    net = archspec.loads(spec("stem:\n  conv 8 k7 s2 d1\n  maxpool k3 s2\n  conv 8 k3 d2\n  avgpool k2 ceil\n", input="3x33x33"))
    shapes = [layer.out[1:] for layer in net.layers if layer.op in ("conv", "maxpool", "avgpool")]
    # PyTorch: conv k7 s2 p3 on 33 → 17; maxpool k3 s2 p0 → 8; conv k3 d2 p2 → 8; avgpool k2 ceil → 4.
    assert shapes == [(17, 17), (8, 8), (8, 8), (4, 4)]


def test_bias_defaults_on_without_norm() -> None:
    net = archspec.loads(spec("stem:\n  conv 8 k3 norm=none\n  conv 8 k3\n  conv 8 k3 bias\n"))
    convs = [n.attrs.bias for n in net.graph.nodes if n.op == "conv"]
    assert convs == [True, False, True]


def test_hierarchy_paths_scopes_and_spans() -> None:
    net = archspec.load("resnet18")
    names = [n.name for n in net.graph.nodes]
    assert names[:4] == ["stem.conv1", "stem.norm1", "stem.act1", "stem.maxpool1"]
    assert "stage2.0.shortcut.conv1" in names and "stage2.1.shortcut.conv1" not in names
    node = net.graph.nodes[names.index("stage2.0.conv2")]
    assert net.graph.stage_of(node).name == "stage2"
    block = net.graph.block_of(node)
    assert block is not None and block.label == "basic" and block.info["s"] == 2 and block.info["c"] == 128
    assert node.span is not None and node.span.line > 0  # inside the prelude's `basic`
    assert [s.name for s in net.stages] == ["stem", "stage1", "stage2", "stage3", "stage4", "head"]


def test_data_flow_order_main_path_then_shortcut_then_add() -> None:
    nodes = archspec.load("resnet50").graph.nodes
    block = [n for n in nodes if n.name.startswith("stage1.0.")]
    ops = [n.name.split(".", 2)[2] for n in block]
    assert ops.index("conv3") < ops.index("shortcut.conv1") < ops.index("add1") < ops.index("act3")
    for n in nodes:
        assert all(i < n.id for i in n.inputs)


def test_stage_table_strides_first_block_only_and_binds_row_arguments() -> None:
    net = archspec.loads(spec("block b(c, s=1, k=3):\n  conv c k=k s=s\nstages b:\n  8 x3 s2 k5\n", input="3x64x64"))
    convs = [n for n in net.graph.nodes if n.op == "conv"]
    assert [(n.attrs.s, n.attrs.k) for n in convs] == [(2, 5), (1, 5), (1, 5)]
    assert net.output == (8, 32, 32)
    assert net.stages[0].info == {"block": "b", "repeats": 3, "c": 8, "s": 2, "k": 5}


def test_expressions_lets_and_conditionals() -> None:
    text = spec(
        "let base = 12\n"
        "block b(c, t=1):\n"
        "  let hidden = round(in.c * t)\n"
        "  if t != 1: conv hidden k1\n"
        "  conv (hidden if t > 1 else c) k3\n"
        "  conv max(c, divisible(c * 1.3, 8)) k1 act=none\n"
        "stem:\n  conv base k3\n  b 16 t=2\n  b 16\n"
    )
    net = archspec.loads(text)
    widths = [n.attrs.out_c for n in net.graph.nodes if n.op == "conv"]
    # stem 12; b(t=2): 1x1 to 24, 3x3 at 24, 1x1 to make_divisible(20.8, 8) = 24; b(t=1): no expansion, 3x3 at 16, 1x1 to 24
    assert widths == [12, 24, 24, 24, 16, 24]


def test_alpha_scales_literal_widths_only() -> None:
    text = spec("round: divisor=8\nstem:\n  conv 32 k3\nstages basic:\n  64 x1 s1\nhead:\n  conv 4*in.c k1\n  fc 10\n")
    base = archspec.loads(text)
    half = archspec.loads(text, overrides={"alpha": 0.5})
    widths = lambda n: [x.attrs.out_c for x in n.graph.nodes if x.op == "conv"]  # noqa: E731
    assert widths(base) == [32, 64, 64, 64, 256]  # stem, basic's two convs and projection, head
    assert widths(half) == [16, 32, 32, 32, 128]  # 4*in.c follows its (scaled) input; fc 10 untouched
    assert half.output == (10,)


def test_greek_and_rho_and_resolution() -> None:
    text = spec("stem:\n  conv 8 k3 s2\n", input="3x224x224")
    assert archspec.loads(text, overrides={"ρ": 0.714}).input == (3, 160, 160)
    assert archspec.loads(text, overrides={"rho": 0.571}).input == (3, 128, 128)
    assert archspec.loads(text, overrides={"resolution": 96}).input == (3, 96, 96)


def test_variants_and_compound_scaling() -> None:
    text = spec(
        "round: divisor=8 guard=0.9\n"
        "compound: depth=1.2 width=1.1 resolution=1.15\n"
        "let drop = 0.2\n"
        "variants:\n  small: width=1.0 depth=1.0 resolution=64\n  big: width=2.0 depth=3.1 resolution=128 drop=0.5\n"
        "block b(c, s=1):\n  conv c k3 s=s\n"
        "stages b:\n  16 x2 s2\nhead:\n  dropout drop\n  fc 10\n",
        input="3x64x64",
    )
    small = archspec.loads(text)
    assert small.variant == "small" and small.input == (3, 64, 64)
    big = archspec.loads(text, variant="big")
    assert big.input == (3, 128, 128)
    assert [n.attrs.out_c for n in big.graph.nodes if n.op == "conv"] == [32] * 7  # ceil(2 * 3.1) = 7 blocks
    assert next(n for n in big.graph.nodes if n.op == "dropout").attrs.p == 0.5
    phi = archspec.loads(text, overrides={"phi": 1})
    # depth 1.2 → ceil(2.4) = 3 blocks; width 16 · 1.1 = 17.6 → 16; resolution 64 · 1.15 = 73.6 → 74
    assert phi.input == (3, 74, 74) and len([n for n in phi.graph.nodes if n.op == "conv"]) == 3


def test_concat_dense_scale_and_repeat_shapes() -> None:
    net = archspec.loads(spec(
        "stem:\n  conv 16 k3\n"
        "  concat:\n    branch: conv 8 k1\n    branch: conv 4 k1; conv 6 k3\n    branch: maxpool k3 s1 p1\n"
        "  dense 3:\n    conv 5 k3\n"
        "  scale:\n    avgpool global\n    conv 4 k1\n    conv 45 k1 act=sigmoid\n"
        "  repeat 2:\n    conv 7 k3\n"
    ))
    by_op = [layer for layer in net.layers if layer.op in ("concat", "mul")]
    assert by_op[0].out == (8 + 6 + 16, 32, 32)
    assert [layer.out[0] for layer in by_op[1:4]] == [35, 40, 45]
    assert by_op[4].op == "mul" and by_op[4].out == (45, 32, 32)
    assert net.output == (7, 32, 32)
    dense = next(s for s in net.graph.scopes if s.kind == "dense")
    assert dense.info == {"layers": 3, "in_c": 30, "growth": 5, "out_c": 45}


def test_when_same_and_projection_shortcuts() -> None:
    net = archspec.loads(spec(
        "stem:\n  conv 8 k3\n"
        "  residual shortcut=when_same:\n    conv 8 k3\n"
        "  residual shortcut=when_same:\n    conv 16 k3\n"
        "  residual shortcut=projection:\n    conv 16 k3\n"
    ))
    adds = [n for n in net.graph.nodes if n.op == "add"]
    assert len(adds) == 2  # identity, (none), projection
    kinds = [s.info["shortcut"] for s in net.graph.scopes if s.kind == "residual"]
    assert kinds == ["identity", "none", "projection"]


def test_prelude_blocks_are_callable_and_overridable() -> None:
    text = spec("block basic(c, s=1):\n  conv c k1 s=s\nstages basic:\n  8 x2 s1\n")
    assert [n.op for n in archspec.loads(text).graph.nodes].count("add") == 0


def test_residual_act_after_the_add() -> None:
    net = archspec.loads(spec("stem:\n  conv 8 k3\n  residual act=relu6:\n    conv 8 k3 act=none\n"))
    assert [n.op for n in net.graph.nodes][-2:] == ["add", "act"]
    assert net.graph.nodes[-1].attrs.kind == "relu6"


def test_greek_knobs_in_the_spec() -> None:
    text = spec("scale: α=0.5 ρ=0.5\nstem:\n  conv 32 k3\n", input="3x64x64")
    net = archspec.loads(text)
    assert net.input == (3, 32, 32) and net.graph.nodes[0].attrs.out_c == 16
    assert net.config.knobs["alpha"] == 0.5
    # A command-line override wins over the spec's own setting.
    assert archspec.loads(text, overrides={"alpha": 1.0}).graph.nodes[0].attrs.out_c == 32


def test_a_gate_s_convs_take_no_norm_unless_told() -> None:
    """Inside `scale:` a conv defaults to no norm (with a bias), as SE's convs in torchvision and timm:
    `defaults: norm=bn` does not reach them; `norm=bn` on the conv still does, and the convs outside
    follow the defaults."""
    gate = "  scale:\n    avgpool global\n    conv 4 k1\n    conv 16 k1 act=sigmoid\n"
    net = archspec.loads(spec("defaults: norm=bn act=relu\nstem:\n  conv 16 k3\n" + gate))
    assert [layer.op for layer in net.layers] == ["conv", "norm", "act", "avgpool", "conv", "act", "conv", "act", "mul"]
    assert [n.attrs.bias for n in net.graph.nodes if n.op == "conv"] == [False, True, True]
    # The same gate as the prelude's `se` (which says norm=none on each conv): the same parameters.
    se = archspec.loads(spec("defaults: norm=bn act=relu\nstem:\n  conv 16 k3\n  se ratio=0.25\n"))
    assert net.params == se.params
    told = archspec.loads(spec("stem:\n  conv 16 k3\n  scale:\n    avgpool global\n    conv 4 k1 norm=bn\n"
                               "    conv 16 k1 act=sigmoid\n"))
    assert [layer.op for layer in told.layers].count("norm") == 2
