"""`sum:` (branches added) and `residual:` with a `shortcut:` body: shapes, errors, counts, every backend."""

from __future__ import annotations

import pytest

import archspec
from archspec import SpecError
from tests.conftest import spec

REPVGG_LIKE = spec("""stem:
  sum act=relu:
    branch: conv 8 k3 act=none
    branch: conv 8 k1 p0 act=none
    branch: norm bn
""", input="8x8x8")

RESNET_D = spec("""block down(c):
  residual act=relu:
    conv c k3 s2
    conv c k3 act=none
    shortcut:
      avgpool 2 s2 ceil
      conv c k1 act=none
stem:
  down 16
""", input="8x8x8")


def test_sum_adds_its_branches() -> None:
    net = archspec.loads(REPVGG_LIKE)
    ops = [n.op for n in net.graph.nodes]
    assert ops == ["conv", "norm", "conv", "norm", "norm", "add", "add", "act"]
    adds = [n for n in net.graph.nodes if n.op == "add"]
    assert [len(n.inputs) for n in adds] == [2, 2] and adds[-1].out == (8, 8, 8)
    from archspec.conventions import tally

    assert tally(net.graph).by_operator("flops")["add"] == 2 * 8 * 8 * 8  # two additions per element
    assert net.params == (8 * 8 * 9 + 16) + (8 * 8 + 16) + 16


def test_sum_torch_equals_the_branches_added() -> None:
    torch = pytest.importorskip("torch")
    net = archspec.loads(REPVGG_LIKE)
    m = net.to_torch().eval()
    x = torch.randn(2, 8, 8, 8)
    mods = [mod for mod in m.modules() if isinstance(mod, (torch.nn.Conv2d, torch.nn.BatchNorm2d))]
    c3, b3, c1, b1, bid = mods
    with torch.no_grad():
        want = torch.relu(b3(c3(x)) + b1(c1(x)) + bid(x))
        assert torch.allclose(m(x), want, atol=1e-6)


@pytest.mark.parametrize(("body", "msg"), [
    ("  sum:\n    branch: conv 8 k3\n    branch: conv 4 k3\n", "`sum:` adds equal shapes"),
    ("  sum:\n    branch: conv 8 k3\n    branch: conv 8 k3 s2\n", "`sum:` adds equal shapes"),
    ("  sum:\n    branch: conv 8 k3\n", "two or more branches"),
    ("  sum:\n    conv 8 k3\n    branch: identity\n", "every statement is a `branch:`"),
])
def test_sum_errors_are_located(body: str, msg: str) -> None:
    with pytest.raises(SpecError, match=msg) as e:
        archspec.loads(spec("stem:\n" + body, input="8x8x8"))
    assert e.value.span is not None


def test_explicit_shortcut() -> None:
    net = archspec.loads(RESNET_D)
    names = [(n.name, n.op) for n in net.graph.nodes]
    ops = [op for _, op in names]
    assert ops == ["conv", "norm", "act", "conv", "norm", "avgpool", "conv", "norm", "add", "act"]
    assert any(".shortcut." in name for name, op in names if op == "avgpool")


def test_explicit_shortcut_first() -> None:
    net = archspec.loads(RESNET_D.replace("residual act=relu:", "residual act=relu order=shortcut_first:"))
    assert [n.op for n in net.graph.nodes][:3] == ["avgpool", "conv", "norm"]


def test_empty_shortcut_body_is_the_identity() -> None:
    net = archspec.loads(spec("stem:\n  residual:\n    conv 8 k3\n    shortcut:\n      identity\n", input="8x8x8"))
    assert [n.op for n in net.graph.nodes] == ["conv", "norm", "act", "add"]


@pytest.mark.parametrize(("body", "msg"), [
    ("  residual:\n    conv 8 k3 s2\n    shortcut:\n      conv 8 k1\n", "its `shortcut:` gives"),
    ("  residual shortcut=projection:\n    conv 8 k3\n    shortcut:\n      conv 8 k1\n", "`shortcut=` has no effect"),
    ("  residual shortcut_norm=bn:\n    conv 8 k3\n    shortcut:\n      conv 8 k1\n", "`shortcut_norm=` has no effect"),
    ("  residual shortcut=when_same shortcut_norm=bn:\n    conv 8 k3\n", "`shortcut_norm=` has no effect"),
    ("  residual shortcut=none order=shortcut_first:\n    conv 8 k3\n", "`order=` has no effect"),
    ("  shortcut:\n    conv 8 k3\n", "belongs directly inside `residual:`"),
])
def test_shortcut_errors_are_located(body: str, msg: str) -> None:
    with pytest.raises(SpecError, match=msg) as e:
        archspec.loads(spec("stem:\n" + body, input="8x8x8"))
    assert e.value.span is not None


@pytest.mark.parametrize("text", [REPVGG_LIKE, RESNET_D, RESNET_D.replace("residual act=relu:", "residual act=relu order=shortcut_first:"),
                                  spec("stem:\n  residual:\n    conv 8 k3\n    shortcut:\n      identity\n", input="8x8x8")])
def test_expand_round_trips(text: str) -> None:
    net = archspec.loads(text)
    back = archspec.loads(net.expand(), "<expanded>")
    assert [(n.name, n.op, n.out) for n in back.graph.nodes] == [(n.name, n.op, n.out) for n in net.graph.nodes]


@pytest.mark.parametrize("text", [REPVGG_LIKE, RESNET_D])
def test_diagrams_draw(text: str) -> None:
    net = archspec.loads(text)
    for level in ("stage", "block", "layer"):
        assert "digraph" in net.to_dot(level)


def test_a_parameter_named_like_a_shorthand_is_rejected_at_the_definition() -> None:
    with pytest.raises(SpecError, match="reads as the shorthand `c=1`") as e:
        archspec.loads(spec("block b(c1, s=1):\n  conv c1 k3\nstem:\n  b 8\n"))
    assert e.value.span is not None and e.value.span.line == 3 and "c_1" in (e.value.hint or "")
    archspec.loads(spec("block b(ch1, s=1):\n  conv ch1 k3\nstem:\n  b ch1=8\n"))  # two letters: a name


def test_block_diagram_draws_every_branch_and_the_written_out_shortcut() -> None:
    net = archspec.loads(RESNET_D.replace("  down 16\n", "  down 16\n  repvgg 16\n"))
    dot = net.to_dot("block")
    # The written-out shortcut is a lane of its own beside the body, its ops a row each, its edge into the add.
    lane = next(line for line in dot.splitlines() if line.strip().startswith('"stem.down1.shortcut" ['))
    assert "explicit shortcut" in lane and "avgpool 2×2, s2, ceil" in lane and "conv 1×1, 16" in lane
    assert '"stem.down1.shortcut" -> "stem.down1.add1"' in dot
    assert dot.count("⊕ add") >= 2 and "conv 1×1, 16 · bn" in dot and "conv 3×3, 16 · bn" in dot


SK = spec("""stem:
  select split=2:
    branch: conv 16 k3
    branch: conv 16 k3 d2
    attention:
      mean keep
      conv 8 k1
      conv 32 k1 norm=none act=none bias=false
""", input="8x8x8")


def test_select_weighs_the_branches_by_a_softmax_across_them() -> None:
    torch = pytest.importorskip("torch")
    net = archspec.loads(SK)
    m = net.to_torch().eval()
    convs = [x for x in m.modules() if isinstance(x, torch.nn.Conv2d)]
    norms = [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]
    x = torch.randn(2, 8, 8, 8)
    with torch.no_grad():
        b1 = torch.relu(norms[0](convs[0](x[:, :4])))
        b2 = torch.relu(norms[1](convs[1](x[:, 4:])))
        z = torch.relu(norms[2](convs[2]((b1 + b2).mean((2, 3), keepdim=True))))
        w = convs[3](z).view(2, 2, 16, 1, 1).softmax(1)
        assert torch.allclose(m(x), b1 * w[:, 0] + b2 * w[:, 1], atol=1e-6)


@pytest.mark.parametrize(("body", "msg"), [
    ("  select:\n    branch: conv 8 k3\n    branch: conv 8 k1\n", "needs one `attention:` body"),
    ("  select:\n    branch: conv 8 k3\n    branch: conv 8 k1\n    attention:\n      mean keep\n      conv 8 k1\n",
     "needs 2·8 = 16 channels at 1×1"),
    ("  attention:\n    conv 8 k1\n", "belongs directly inside `select:`"),
])
def test_select_errors_are_located(body: str, msg: str) -> None:
    with pytest.raises(SpecError, match=msg) as e:
        archspec.loads(spec("stem:\n" + body, input="8x8x8"))
    assert e.value.span is not None


def test_select_expands_and_draws() -> None:
    net = archspec.loads(SK)
    back = archspec.loads(net.expand(), "<expanded>")
    assert [(n.name, n.op, n.out) for n in back.graph.nodes] == [(n.name, n.op, n.out) for n in net.graph.nodes]
    assert "softmax across 2" in net.to_dot("block")


def test_cascade_is_res2nets_chain_of_adds() -> None:
    torch = pytest.importorskip("torch")
    net = archspec.loads(spec("stem:\n  cascade split=3:\n    branch: conv 4 k3\n    branch: conv 4 k3\n", input="12x8x8"))
    m = net.to_torch().eval()
    convs = [x for x in m.modules() if isinstance(x, torch.nn.Conv2d)]
    norms = [x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d)]
    x = torch.randn(2, 12, 8, 8)
    with torch.no_grad():
        y1 = torch.relu(norms[0](convs[0](x[:, :4])))
        y2 = torch.relu(norms[1](convs[1](y1 + x[:, 4:8])))
        assert torch.allclose(m(x), torch.cat([y1, y2, x[:, 8:]], 1), atol=1e-6)
    back = archspec.loads(net.expand(), "<expanded>")
    assert [(n.name, n.op) for n in back.graph.nodes] == [(n.name, n.op) for n in net.graph.nodes]


@pytest.mark.parametrize(("body", "msg"), [
    ("  cascade split=3:\n    branch: conv 4 k3\n", "takes 2"),
    ("  cascade split=5:\n    branch: conv 4 k3\n", "does not divide"),
    ("  cascade:\n    branch: conv 4 k3\n", "needs `split=N`"),
    ("  cascade split=3:\n    branch: conv 8 k3\n    branch: conv 4 k3\n", "cannot be added"),
])
def test_cascade_errors_are_located(body: str, msg: str) -> None:
    with pytest.raises(SpecError, match=msg) as e:
        archspec.loads(spec("stem:\n" + body, input="12x8x8"))
    assert e.value.span is not None


def test_shortcut_norm_that_never_projects_is_an_error() -> None:
    with pytest.raises(SpecError, match="`shortcut_norm=` has no effect: this residual's shapes match") as e:
        archspec.loads(spec("stem:\n  residual shortcut_norm=none:\n    conv 8 k3\n", input="8x8x8"))
    assert e.value.span is not None and e.value.span.line == 4
    block = "block b(c, s=1):\n  residual shortcut_norm=none:\n    conv c k3 s=s\nstages b:\n"
    archspec.loads(spec(block + "  8 x2 s2\n", input="8x8x8"))  # the first block projects: it has an effect
    with pytest.raises(SpecError, match="`shortcut_norm=` has no effect"):
        archspec.loads(spec(block + "  8 x2 s1\n", input="8x8x8"))
    archspec.loads(spec("stages preact_basic:\n  8 x2 s1\n", input="8x8x8"))  # the prelude's own is not the user's


def test_drop_path_without_a_shortcut_is_an_error() -> None:
    with pytest.raises(SpecError, match="`drop_path=` has no effect with shortcut=none"):
        archspec.loads(spec("stem:\n  residual shortcut=none drop_path=0.1:\n    conv 8 k3\n", input="8x8x8"))
