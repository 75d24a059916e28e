"""How the language writes its op statements and combinators: their arguments.

An op statement (``conv 64 k3 s2``) is bound against its ``OpSchema`` (positional names, keys and
aliases, one-letter shorthands, bare-word flags) and then turned into layer-graph nodes by the
lowering (``primitives.py``). What each layer-graph op *is* lives in the op registry, ``layerops/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archspec import ir
from archspec.errors import SpecError, did_you_mean
from archspec.layerops import conv_out
from archspec.layerops.act import NAMES as ACTIVATIONS
from archspec.layerops.norm import NAMES as NORMS

__all__ = ["ACTIVATIONS", "COMBINATORS", "NORMS", "OPS", "SHORTCUTS", "OpSchema", "bind", "conv_out"]


@dataclass(frozen=True)
class OpSchema:
    """How an op's arguments are written."""

    positional: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # long name or shorthand letter -> key
    flags: tuple[str, ...] = ()  # bare words that set a key to true: `ceil`, `global`, `bias`
    doc: str = ""

    def all_keys(self) -> set[str]:
        return set(self.keys) | set(self.aliases)


_SPATIAL = {"kernel": "k", "stride": "s", "padding": "p", "dilation": "d", "groups": "g", "channels": "c"}

OPS: dict[str, OpSchema] = {
    "conv": OpSchema(
        positional=("c",),
        keys=("c", "k", "s", "p", "d", "g", "bias", "norm", "act"),
        aliases=_SPATIAL,
        flags=("bias",),
        doc="conv C kK sS [pP dD gG] [bias] [norm=bn|none] [act=relu|...|none]: Conv2d, then norm and activation",
    ),
    "maxpool": OpSchema(
        positional=("k",), keys=("k", "s", "p", "ceil", "global", "size"), aliases=_SPATIAL, flags=("ceil", "global"),
        doc="maxpool kK [sS] [pP] [ceil] | maxpool global | maxpool size=N (adaptive: an N×N output)",
    ),
    "avgpool": OpSchema(
        positional=("k",), keys=("k", "s", "p", "ceil", "global", "size"), aliases=_SPATIAL, flags=("ceil", "global"),
        doc="avgpool kK [sS] [pP] [ceil] | avgpool global | avgpool size=N (adaptive: an N×N output)",
    ),
    "fc": OpSchema(
        positional=("c",), keys=("c", "bias", "act"), aliases={"features": "c", "channels": "c"}, flags=("bias",),
        doc="fc N [act=...]: Linear (flattens a C×H×W input first)",
    ),
    "dropout": OpSchema(positional=("p",), keys=("p",), doc="dropout P: Dropout with probability P"),
    "flatten": OpSchema(doc="flatten: C×H×W → C·H·W"),
    "shuffle": OpSchema(positional=("groups",), keys=("groups",), aliases={"g": "groups"},
                        doc="shuffle G: channel shuffle (ShuffleNet): the channels as G groups, interleaved"),
    "channels_last": OpSchema(doc="channels_last: C×H×W → H×W×C (then `norm ln` and `fc` act on the channels at each position)"),
    "channels_first": OpSchema(doc="channels_first: H×W×C → C×H×W"),
    "layer_scale": OpSchema(positional=("init",), keys=("init",),
                            doc="layer_scale [INIT]: a learnable per-channel scale γ (starting at INIT, default 1e-6)"),
    "pad": OpSchema(positional=("left", "right", "top", "bottom"), keys=("left", "right", "top", "bottom"),
                    doc="pad L R T B: zeros around the map, each side its own width (nn.ZeroPad2d)"),
    "identity": OpSchema(doc="identity: nothing; the input passes on (a pass-through `branch: identity`)"),
    "mean": OpSchema(doc="mean: the global average as a tensor method, x.mean([2, 3]) (C×H×W → C; no pool module)"),
    "act": OpSchema(positional=("kind",), keys=("kind", "slope"),
                    doc="act [relu|relu6|silu|...] [slope=S]: the default or a named activation (slope: leaky_relu's)"),
    "norm": OpSchema(positional=("kind",), keys=("kind", "eps", "momentum", "groups"),
                     doc="norm [bn|ln|gn] [eps=...] [momentum=...] [groups=G]: normalisation (gn: G groups, default 32)"),
    "upsample": OpSchema(positional=("scale", "mode"), keys=("scale", "mode"), flags=("nearest", "bilinear"),
                         doc="upsample S [nearest|bilinear]: the map S times larger (nn.Upsample)"),
}
OPS["linear"] = OPS["fc"]

COMBINATORS = {
    "residual": OpSchema(
        keys=("shortcut", "drop_path", "shortcut_norm", "act", "order"),
        doc="residual [shortcut=auto|projection|zeropad|when_same|none] [drop_path=P] [act=A] "
            "[order=body_first|shortcut_first]: body + shortcut, then A; order says whose weights come first",
    ),
    "concat": OpSchema(
        keys=("split",),
        doc="concat [split=N]: branches side by side, joined along channels; with split=N, branch i gets the "
            "i-th of N equal channel chunks of the input (ShuffleNet v2) instead of all of it",
    ),
    "branch": OpSchema(doc="branch: one path inside concat"),
    "scale": OpSchema(doc="scale: multiply the input by the body's output (a channel gate, as in SE)"),
    "repeat": OpSchema(positional=("n",), keys=("n",), aliases={"x": "n"}, doc="repeat N: the body N times"),
    "group": OpSchema(
        positional=("name",), keys=("name",),
        doc="group NAME: the body under the path segment NAME (a block's layers, as `archspec expand` writes them)",
    ),
    "dense": OpSchema(
        positional=("n",), keys=("n",), aliases={"x": "n"},
        doc="dense N: N times, concatenate the body's output to its input (DenseNet connectivity)",
    ),
}
SHORTCUTS = ("auto", "projection", "zeropad", "when_same", "none")
# Whose layers (and so weights, in state_dict order) come first in a residual: torchvision's RegNet
# registers its projection before the block body, ResNet after.
ORDERS = ("body_first", "shortcut_first")


def bind(
    name: str,
    schema: OpSchema,
    args: list[ir.Arg],
    evaluate: Any,
    span: ir.Span | None,
) -> dict[str, tuple[Any, ir.Span | None]]:
    """Match written arguments to an op's keys. Unknown keys, duplicates and extras are errors."""
    out: dict[str, tuple[Any, ir.Span | None]] = {}
    pos = 0
    for a in args:
        if a.key is None:
            value = evaluate(a.value)
            if isinstance(value, str) and value in schema.flags and not isinstance(value, bool):
                key, value = str(value), True
            elif pos < len(schema.positional):
                key = schema.positional[pos]
                pos += 1
            else:
                hint = f"`{name}` takes {len(schema.positional)} positional argument(s)"
                if isinstance(value, str) and schema.flags:
                    hint = did_you_mean(value, schema.flags) or hint + f"; flags: {', '.join(schema.flags)}"
                raise SpecError(f"too many arguments to `{name}`: `{value}`", a.span, hint=hint)
        else:
            key = schema.aliases.get(a.key, a.key)
            if key not in schema.keys:
                what = "shorthand" if a.short else "argument"
                raise SpecError(
                    f"`{name}` has no {what} `{a.key}`",
                    a.span,
                    hint=did_you_mean(a.key, schema.all_keys())
                    or (f"`{name}` takes: " + ", ".join(schema.keys) if schema.keys else f"`{name}` takes no arguments"),
                )
            value = evaluate(a.value)
        if key in out:
            raise SpecError(f"`{key}` given twice to `{name}`", a.span)
        out[key] = (value, a.span)
    return out
