"""The op registry's completeness test: every registered op × every backend × every counting convention.

Adding an op and running this file tells a developer everything the op still lacks: each case is
named ``OP-FACET`` and its failure names the op and the missing piece. The example each op ships
(``OpDef.example``) is lowered, and the graph it makes goes through every backend.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

import archspec
from archspec import conventions, layerops
from archspec.backends import BACKENDS
from archspec.backends.naming import class_name
from archspec.graph import Graph, Node, Scope
from archspec.layerops import CONVENTION_NAMES, FACETS, NoAttrs, OpDef, Unsupported, all_ops, missing
from tests.conftest import needs_dot

OPS = sorted(all_ops())


def _example(name: str) -> archspec.Network:
    op = layerops.get(name)
    body = "".join(f"  {line}\n" for line in op.example.splitlines())
    net = archspec.loads(f"network ex_{name}\ninput 8x8x8\nstem:\n{body}", file=f"<{name} example>")
    assert any(n.op == name for n in net.graph.nodes), f"op `{name}`: its example makes no `{name}` node"
    return net


def _forward(module: torch.nn.Module, net: archspec.Network) -> torch.Tensor:
    torch.manual_seed(0)
    x = torch.randn(2, *net.input)
    with torch.no_grad():
        return module.eval()(x)


@pytest.mark.parametrize("name", OPS)
def test_op_declares_every_piece(name: str) -> None:
    """Every facet implemented or declared unsupported with a reason; a rule for every convention."""
    gaps = missing(layerops.get(name))
    assert not gaps, f"op `{name}` lacks: {', '.join(gaps)}"


@pytest.mark.parametrize("name", OPS)
def test_op_counts_in_every_convention(name: str) -> None:
    net = _example(name)
    counts = conventions.tally(net.graph)
    for node, items in zip(net.graph.nodes, counts.items, strict=True):
        assert set(items) == set(conventions.CONVENTIONS), f"op `{node.op}`: conventions {set(conventions.CONVENTIONS) - set(items)}"
    assert tuple(conventions.CONVENTIONS) == CONVENTION_NAMES


@pytest.mark.parametrize("name", OPS)
def test_op_torch(name: str) -> None:
    net = _example(name)
    module = net.to_torch()
    assert sum(p.numel() for p in module.parameters()) == net.params, f"op `{name}`: torch params differ"
    assert tuple(_forward(module, net).shape[1:]) == net.output, f"op `{name}`: torch output shape differs"


@pytest.mark.parametrize("name", OPS)
def test_op_python_source(name: str) -> None:
    net = _example(name)
    module = net.to_torch()
    namespace: dict[str, Any] = {}
    exec(compile(net.to_python(), f"<{name}.py>", "exec"), namespace)  # our own generated file, not a spec
    theirs = namespace[class_name(net.name)]()
    assert list(theirs.state_dict()) == list(module.state_dict()), f"op `{name}`: python source keys differ"
    theirs.load_state_dict(module.state_dict())
    assert torch.equal(_forward(theirs, net), _forward(module, net)), f"op `{name}`: python source output differs"


@pytest.mark.slow
@pytest.mark.parametrize("name", OPS)
def test_op_exports(name: str) -> None:
    """ONNX (run by onnxruntime), TorchScript and torch.export give the module's outputs."""
    from archspec.backends import onnx

    net = _example(name)
    module = net.to_torch().eval()
    torch.manual_seed(0)
    x = torch.randn(2, *net.input)
    program = net.to_exported(module=module)  # the ONNX export below goes through the same program
    with torch.no_grad():
        want = module(x)
        assert torch.allclose(net.to_torchscript(module=module)(x), want), f"op `{name}`: TorchScript output differs"
        assert torch.allclose(program.module()(x), want), f"op `{name}`: torch.export differs"
    reasons = [r for n in net.graph.nodes if (r := n.defn.unsupported_for("onnx", n.attrs))]
    if reasons:  # an op ONNX cannot take says so: one located error naming it, no half-written model
        with pytest.raises(Unsupported, match=f"`{name}` is not supported by the ONNX backend"):
            net.to_onnx(module=module)
        body = "".join(f"  {line}\n" for line in layerops.get(name).example.splitlines() if "size=" not in line)
        net = archspec.loads(f"network rest\ninput 8x8x8\nstem:\n{body}", file="<the example's other nodes>")
        module = net.to_torch().eval()
        program = net.to_exported(module=module)
        with torch.no_grad():
            want = module(x)
    got = onnx.run(net.to_onnx(program=program), x)
    assert torch.allclose(torch.from_numpy(got), want, atol=1e-5), f"op `{name}`: ONNX output differs"


@needs_dot
@pytest.mark.parametrize("name", OPS)
def test_op_diagrams(name: str) -> None:
    net = _example(name)
    labels = [n.defn.label(n.attrs) for n in net.graph.nodes if n.op == name]
    layer_dot = net.to_dot("layer")
    for text in labels:
        assert text.replace("&", "&amp;") in layer_dot, f"op `{name}`: its label `{text}` is not in the layer diagram"
    for level in ("stage", "block", "layer"):
        assert net.emit("svg") if level == "block" else net.to_dot(level), f"op `{name}`: no {level} diagram"


@pytest.mark.parametrize("name", OPS)
def test_op_expand_and_fmt_round_trip(name: str) -> None:
    """``expand`` writes the op back so the text lowers to the identical layer graph; so does ``fmt``."""
    net = _example(name)
    again = archspec.loads(net.expand(), file="<expanded>")
    assert _graph(again) == _graph(net), f"op `{name}`: `archspec expand` does not round-trip it"
    formatted = archspec.loads(net.format(), file="<formatted>")
    assert _graph(formatted) == _graph(net), f"op `{name}`: `archspec fmt` does not round-trip it"


def _graph(net: archspec.Network) -> list[tuple[Any, ...]]:
    return [(n.name, n.op, n.attrs, n.inputs, n.out) for n in net.graph.nodes]


def test_every_backend_is_registered_and_reads_a_target() -> None:
    net = _example("conv")
    for name in ("json", "dot"):
        files = net.emit(name)
        assert files and all(v for v in files.values()), name
    assert set(BACKENDS) >= {"json", "svg", "dot", "py", "onnx", "torchscript", "export"}


# ---- a throwaway op that lacks pieces: the registry says what, and using it is one located error ----


class _Half(OpDef):
    """Halves its input; has a shape rule and a torch module, but no label and no thop rule."""

    name = "halve_for_test"
    kind = "act"
    example = "halve_for_test"
    counts = {c: layerops.nothing for c in CONVENTION_NAMES if c != "thop"}

    def shape(self, a: Any, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
        return ins[0]

    def torch_module(self, a: Any, device: Any = None, inplace: bool = False) -> Any:
        return torch.nn.Identity()

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        return "halve_for_test", 1


@pytest.fixture()
def half() -> Any:
    layerops.register(_Half)
    yield layerops.get("halve_for_test")
    layerops.unregister("halve_for_test")


def _graph_of(op: str) -> Graph:
    from archspec.ir import Span

    node = Node(0, "half1", op, (-1,), (4, 2, 2), NoAttrs(), 0, Span(line=3, col=3, end_line=3, end_col=17))
    return Graph("t", (4, 2, 2), [node], [Scope(0, "network", "", "t", None)], 0)


def test_a_missing_piece_is_named(half: OpDef) -> None:
    assert missing(half) == ["label", "convention:thop"]
    assert "label" in FACETS


def test_a_missing_convention_is_a_located_error_not_a_zero(half: OpDef) -> None:
    with pytest.raises(Unsupported) as exc:
        conventions.tally(_graph_of("halve_for_test"))
    assert exc.value.op == "halve_for_test" and "thop" in exc.value.where
    assert (exc.value.span.line, exc.value.span.col) == (3, 3)
    assert "`halve_for_test` is not supported by the `thop` convention" in exc.value.message


def test_a_missing_label_is_a_located_error(half: OpDef) -> None:
    g = _graph_of("halve_for_test")
    with pytest.raises(Unsupported, match="`halve_for_test` is not supported by the diagrams"):
        g.nodes[0].defn.label(g.nodes[0].attrs)


def test_unsupported_reason_is_given(half: OpDef) -> None:
    type(half).unsupported = {"label": "it is drawn by its parent"}
    try:
        assert missing(half) == ["convention:thop"]
        with pytest.raises(Unsupported, match="it is drawn by its parent"):
            half.label(None)
    finally:
        type(half).unsupported = {}
