"""``act``: an elementwise activation, one row per kind in ``ACTIVATIONS``.

A row says everything that differs between kinds: the ``torch.nn`` class, whether it can run in
place, FLOPs per element, what its backward keeps, and which functions the counting tools patch.
Adding an activation is one row.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archspec.layerops.base import Items, Op, OpDef, Shape, nothing, register


class Activation(NamedTuple):
    """One kind of activation."""

    torch: str  # the torch.nn class
    inplace: bool = False  # takes inplace=True
    flops: int = 1  # per element, archspec's `flops` convention
    saves: str = "input"  # what its backward keeps: "input", "output" or "nothing" (the identity)
    saves_inplace: str | None = None  # what it keeps when it runs in place, where that differs
    ptflops: tuple[str | None, str | None] = (None, None)  # (nn class ptflops hooks, F.* call it patches)
    calflops: str | None = None  # the F.* call calflops patches


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("ReLU", inplace=True, saves="output", ptflops=("ReLU", "F.relu"), calflops="F.relu"),
    "relu6": Activation("ReLU6", inplace=True, ptflops=("ReLU6", None)),  # runs F.hardtanh: not patched
    "silu": Activation("SiLU", inplace=True, flops=4, ptflops=(None, "F.silu"), calflops="F.silu"),
    "sigmoid": Activation("Sigmoid", flops=4, saves="output"),
    "hardswish": Activation("Hardswish", inplace=True, flops=3),
    "hardsigmoid": Activation("Hardsigmoid", inplace=True, flops=3),
    "gelu": Activation("GELU", flops=4, ptflops=("GELU", "F.gelu"), calflops="F.gelu"),
    "tanh": Activation("Tanh", flops=4, saves="output"),
    "leaky_relu": Activation("LeakyReLU", inplace=True, ptflops=("LeakyReLU", None), calflops="F.leaky_relu",
                             saves_inplace="output"),  # leaky_relu_'s backward reads its result
    "mish": Activation("Mish", inplace=True, flops=4),  # no tool counts it
    "identity": Activation("Identity", flops=0, saves="nothing"),  # nn.Identity: hands its input on
}
LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default negative slope
ALIASES = {"swish": "silu"}  # spellings the language accepts for a kind
# Every word `act=` takes, each alias after its kind.
NAMES = (*(w for k in ACTIVATIONS for w in (k, *(a for a, t in ALIASES.items() if t == k))), "none")


class ActAttrs(NamedTuple):
    kind: str
    slope: float | None = None  # leaky_relu's negative slope (None: the default, 0.01)


def _row(o: Op) -> Activation:
    return ACTIVATIONS[o.attrs.kind]


def _ptflops(o: Op) -> Items:
    hook, patched = _row(o).ptflops
    return ([(f"nn.{hook}", o.n_out)] if hook else []) + ([(patched, o.n_in)] if patched else [])


def _calflops(o: Op) -> Items:
    patched = _row(o).calflops
    return [(patched, o.n_in)] if patched else []


@register
class Act(OpDef):
    name = "act"
    kind = "act"
    Attrs = ActAttrs
    suffix = True
    example = "conv 8 k1 act=gelu\nact mish\nact identity\nact leaky_relu slope=0.2\nact hardswish"
    counts = {
        "macs": nothing,
        "flops": lambda o: [("act", _row(o).flops * o.n_out)],
        "fvcore": nothing,
        "torch": nothing,
        "calflops": nothing,
        "calflops_flops": _calflops,
        "torchinfo": nothing,
        "ptflops": _ptflops,
        "thop": nothing,
    }

    def shape(self, a: ActAttrs, ins: list[Shape]) -> Shape:
        return ins[0]

    def saved(self, node: Any, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        row = ACTIVATIONS[node.attrs.kind]
        saves = row.saves_inplace if inplace and row.saves_inplace else row.saves
        return ([node.id] if saves == "output" else [] if saves == "nothing" else list(node.inputs[:1])), {}

    def aliases(self, a: ActAttrs) -> bool:
        return ACTIVATIONS[a.kind].saves == "nothing"

    def inplace(self, a: ActAttrs) -> bool:
        return ACTIVATIONS[a.kind].inplace

    def torch_module(self, a: ActAttrs, device: Any = None, inplace: bool = False) -> Any:
        from torch import nn

        cls = getattr(nn, ACTIVATIONS[a.kind].torch)
        args = (a.slope,) if a.kind == "leaky_relu" and a.slope is not None else ()
        return cls(*args, inplace=True) if inplace else cls(*args)

    def expand(self, n: Any, after: list[Any], d: Any) -> tuple[str, int]:
        slope = f" slope={n.attrs.slope!r}" if n.attrs.slope is not None else ""
        return ("act" if n.attrs.kind == d.act and not slope else f"act {n.attrs.kind}{slope}"), 1

    def label(self, a: ActAttrs, ins: list[Shape] | None = None) -> str:
        return a.kind + (f" {a.slope:g}" if a.slope is not None else "")
