"""How the language writes its op statements and combinators: their arguments.

An op statement (``conv 64 k3 s2``) is bound against its ``OpSchema`` (positional names, keys and
aliases, one-letter shorthands, bare-word flags) and then turned into layer-graph nodes by the
lowering (``primitives.py``). What each layer-graph op *is* lives in the op registry, ``layerops/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from archspec import ir
from archspec.errors import SpecError, did_you_mean
from archspec.fmt import float_text
from archspec.layerops import conv_out
from archspec.layerops.act import LEAKY_SLOPE
from archspec.layerops.act import NAMES as ACTIVATIONS
from archspec.layerops.layerscale import DEFAULT_INIT as LAYER_SCALE_INIT
from archspec.layerops.norm import GN_GROUPS
from archspec.layerops.norm import NAMES as NORMS
from archspec.layerops.upsample import MODES as UPSAMPLE_MODES

__all__ = ["ACTIVATIONS", "COMBINATORS", "NORMS", "OPS", "SHORTCUTS", "ArgDoc", "OpSchema", "bind", "conv_out"]


class ArgDoc(NamedTuple):
    """What one argument is, for the language reference (docs/language.md is generated from these)."""

    type: str  # one of the TYPES below, or a phrase
    default: str = ""  # as the language writes it, or a phrase; "" when the argument is required
    values: str = ""  # the allowed values or range
    doc: str = ""  # what it means, with its units


# The types arguments take, as the reference names them.
WHOLE, NUMBER, SIZE, FLAG, WORD = "whole number", "number", "size", "true/false", "word"


def synopsis(doc: str) -> tuple[str, str]:
    """An op's doc, ``conv C kK …: what it is``, as (the synopsis, the description): split at the first
    ``: `` outside brackets (the language reference and the language server show them apart)."""
    depth = 0
    for i, ch in enumerate(doc):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and doc.startswith(": ", i):
            return doc[:i], doc[i + 2:]
    return doc, ""


def code_words(words: tuple[str, ...] | dict[str, Any]) -> str:
    return " ".join(f"`{w}`" for w in words)


@dataclass(frozen=True)
class OpSchema:
    """How an op's arguments are written, and (``info``) what each one is."""

    positional: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # long name or shorthand letter -> key
    flags: tuple[str, ...] = ()  # bare words that set a key to true: `ceil`, `global`, `bias`
    doc: str = ""
    info: dict[str, ArgDoc] = field(default_factory=dict)  # key -> what it is, for the reference

    def all_keys(self) -> set[str]:
        return set(self.keys) | set(self.aliases)


_SPATIAL = {"kernel": "k", "stride": "s", "padding": "p", "dilation": "d", "groups": "g", "channels": "c"}

# Whose layers (and so weights, in state_dict order) come first in a residual: torchvision's RegNet
# registers its projection before the block body, ResNet after.
ORDER_DOCS = {
    "body_first": "the body's layers, then the shortcut's (ResNet's state_dict order)",
    "shortcut_first": "the shortcut's layers, then the body's (torchvision's RegNet)",
}
ORDERS = tuple(ORDER_DOCS)
SHORTCUT_DOCS = {
    "auto": "identity when the body keeps the shape, else a 1×1 conv (carrying the stride) + norm: the paper's option B",
    "projection": "always the 1×1 conv + norm, even when the shape is kept",
    "zeropad": "identity subsampled by the stride, zero channels appended (the ResNet paper's option A); no weights",
    "when_same": "identity when the body keeps the shape, else no shortcut at all (MobileNet v2, MBConv)",
    "none": "no shortcut: the body alone",
}
SHORTCUTS = tuple(SHORTCUT_DOCS)

_SIZE_DOC = "a whole number, or a height×width pair: `k1x7`, `k=[1, 7]`"
_POOL_INFO = {
    "k": ArgDoc(SIZE, "required (unless `global` or `size=`)", "≥ 1", "window, in pixels; " + _SIZE_DOC),
    "s": ArgDoc(SIZE, "the kernel", "≥ 1", "stride, in pixels"),
    "p": ArgDoc(SIZE, "0", "0 to k//2", "padding on each side, in pixels (PyTorch's limit: at most half the window)"),
    "ceil": ArgDoc(FLAG, "false", "", "ceil mode: a last partial window counts (PyTorch's `ceil_mode`)"),
    "global": ArgDoc(FLAG, "false", "", "pool the whole map to 1×1 (an adaptive pool); takes no other argument"),
    "size": ArgDoc(WHOLE, "none", "≥ 1", "adaptive pool to an N×N map whatever the input (VGG's, AlexNet's)"),
}

OPS: dict[str, OpSchema] = {
    "conv": OpSchema(
        positional=("c",),
        keys=("c", "k", "s", "p", "d", "g", "bias", "norm", "act"),
        aliases=_SPATIAL,
        flags=("bias",),
        doc="conv C kK [sS] [pP] [dD] [gG] [bias] [norm=KIND] [act=KIND]: Conv2d, then its norm and activation",
        info={
            "c": ArgDoc(WHOLE, "required", "≥ 1", "output channels; a literal at network level takes α"),
            "k": ArgDoc(SIZE, "required", "≥ 1", "kernel, in pixels; " + _SIZE_DOC),
            "s": ArgDoc(SIZE, "1", "≥ 1", "stride, in pixels"),
            "p": ArgDoc(SIZE, "d·(k−1)//2 (keeps the size at stride 1)", "≥ 0, or `same`",
                        "zero padding on each side, in pixels; `same` is TensorFlow's SAME (a `pad` first where it "
                        "must be asymmetric)"),
            "d": ArgDoc(SIZE, "1", "≥ 1", "dilation"),
            "g": ArgDoc(WHOLE, "1", "divides the input and output channels",
                        "groups (`groups=in.c` is a depthwise conv)"),
            "bias": ArgDoc(FLAG, "true when `norm=none`, else false", "", "the conv's bias"),
            "norm": ArgDoc(WORD, "the `defaults:` norm", code_words(NORMS), "the norm after the conv"),
            "act": ArgDoc(WORD, "the `defaults:` act", code_words(ACTIVATIONS), "the activation after the norm"),
        },
    ),
    "maxpool": OpSchema(
        positional=("k",), keys=("k", "s", "p", "ceil", "global", "size"), aliases=_SPATIAL, flags=("ceil", "global"),
        doc="maxpool kK [sS] [pP] [ceil] | maxpool global | maxpool size=N (adaptive: an N×N output)",
        info=_POOL_INFO,
    ),
    "avgpool": OpSchema(
        positional=("k",), keys=("k", "s", "p", "ceil", "global", "size"), aliases=_SPATIAL, flags=("ceil", "global"),
        doc="avgpool kK [sS] [pP] [ceil] | avgpool global | avgpool size=N (adaptive: an N×N output)",
        info=_POOL_INFO,
    ),
    "fc": OpSchema(
        positional=("c",), keys=("c", "bias", "act"), aliases={"features": "c", "channels": "c"}, flags=("bias",),
        doc="fc N [act=KIND]: Linear (flattens a C×H×W input first; on a channels-last map, per position)",
        info={
            "c": ArgDoc(WHOLE, "required", "≥ 1", "output features; never scaled by α"),
            "bias": ArgDoc(FLAG, "true", "", "the layer's bias"),
            "act": ArgDoc(WORD, "`none`", code_words(ACTIVATIONS), "an activation after it"),
        },
    ),
    "dropout": OpSchema(positional=("p",), keys=("p",), doc="dropout P: Dropout with probability P",
                        info={"p": ArgDoc(NUMBER, "required", "0 to 1", "the probability of zeroing an element")}),
    "flatten": OpSchema(doc="flatten: C×H×W → C·H·W"),
    "shuffle": OpSchema(positional=("groups",), keys=("groups",), aliases={"g": "groups"},
                        doc="shuffle G: channel shuffle (ShuffleNet): the channels as G groups, interleaved",
                        info={"groups": ArgDoc(WHOLE, "required", "divides the channels", "groups to interleave")}),
    "channels_last": OpSchema(doc="channels_last: C×H×W → H×W×C (then `norm ln` and `fc` act on the channels at each position)"),
    "channels_first": OpSchema(doc="channels_first: H×W×C → C×H×W"),
    "layer_scale": OpSchema(positional=("init",), keys=("init",),
                            doc="layer_scale [INIT]: a learnable per-channel scale γ (starting at INIT)",
                            info={"init": ArgDoc(NUMBER, float_text(LAYER_SCALE_INIT), "≥ 0", "γ's starting value")}),
    "pad": OpSchema(positional=("left", "right", "top", "bottom"), keys=("left", "right", "top", "bottom"),
                    doc="pad L R T B: zeros around the map, each side its own width (nn.ZeroPad2d)",
                    info={side: ArgDoc(WHOLE, "0", "≥ 0", f"zeros added on the {side}, in pixels (one side at least)")
                          for side in ("left", "right", "top", "bottom")}),
    "identity": OpSchema(doc="identity: nothing; the input passes on (a pass-through `branch: identity`)"),
    "mean": OpSchema(keys=("keep",), flags=("keep",),
                     doc="mean [keep]: the global average as a tensor method, x.mean([2, 3]) (C×H×W → C; no pool "
                         "module); with keep, C×1×1 (keepdim=True)",
                     info={"keep": ArgDoc(FLAG, "false", "", "keep the averaged axes: a C×1×1 output")}),
    "act": OpSchema(positional=("kind",), keys=("kind", "slope"),
                    doc="act [KIND] [slope=S]: the default or a named activation (slope: leaky_relu's)",
                    info={"kind": ArgDoc(WORD, "the `defaults:` act", code_words(ACTIVATIONS), "which activation"),
                          "slope": ArgDoc(NUMBER, float_text(LEAKY_SLOPE), "≥ 0", "the negative slope; `leaky_relu` only")}),
    "norm": OpSchema(positional=("kind",), keys=("kind", "eps", "momentum", "groups"),
                     doc="norm [KIND] [eps=E] [momentum=M] [groups=G]: normalisation",
                     info={"kind": ArgDoc(WORD, "the `defaults:` norm", code_words(NORMS), "which norm; `none` is nothing"),
                           "eps": ArgDoc(NUMBER, "the `defaults:` norm_eps", "0 to 1", "added to the variance"),
                           "momentum": ArgDoc(NUMBER, "the `defaults:` norm_momentum", "0 to 1",
                                              "BatchNorm's running-statistics momentum (PyTorch's convention)"),
                           "groups": ArgDoc(WHOLE, str(GN_GROUPS), "divides the channels", "GroupNorm's groups; `gn` only")}),
    "upsample": OpSchema(positional=("scale", "mode"), keys=("scale", "mode"), flags=UPSAMPLE_MODES,
                         doc="upsample S [nearest|bilinear]: the map S times larger (nn.Upsample)",
                         info={"scale": ArgDoc(WHOLE, "required", "≥ 1", "the factor on height and width"),
                               "mode": ArgDoc(WORD, "`nearest`", code_words(UPSAMPLE_MODES),
                                              "interpolation; the bare word alone says it too")}),
}
OPS["linear"] = OPS["fc"]

# `split=N` of `concat:` and `select:`: the branches read channel chunks instead of the whole input.
CHUNKS = ArgDoc(WHOLE, "none (every branch reads the whole input)", "divides the input channels; one branch per chunk",
                "equal channel chunks, one per branch")
COMBINATORS = {
    "residual": OpSchema(
        keys=("shortcut", "drop_path", "shortcut_norm", "act", "order"),
        doc="residual [shortcut=KIND] [drop_path=P] [shortcut_norm=KIND] [act=KIND] [order=ORDER]: "
            "body + shortcut, then the activation; order says whose weights come first",
        info={
            "shortcut": ArgDoc(WORD, "`auto`", code_words(SHORTCUTS), "what is added to the body's output"),
            "drop_path": ArgDoc(NUMBER, "0", "0 to 1", "stochastic depth: the body is dropped per sample with this "
                                "probability while training"),
            "shortcut_norm": ArgDoc(WORD, "the `defaults:` norm", code_words(NORMS),
                                    "the norm after the projection conv (`none`: a bare conv with bias)"),
            "act": ArgDoc(WORD, "none", code_words(ACTIVATIONS), "an activation after the addition"),
            "order": ArgDoc(WORD, "`body_first`", code_words(ORDERS), "whose layers, and so weights, come first"),
        },
    ),
    "concat": OpSchema(
        keys=("split",),
        doc="concat [split=N]: branches side by side, joined along channels; with split=N, branch i gets the "
            "i-th of N equal channel chunks of the input (ShuffleNet v2) instead of all of it",
        info={"split": CHUNKS},
    ),
    "sum": OpSchema(
        keys=("act",),
        doc="sum [act=KIND]: branches side by side, their outputs added (equal shapes; RepVGG's 3×3 + 1×1 + "
            "identity), then the activation; `branch: identity` is the input itself, `branch: norm bn` a normalised one",
        info={"act": ArgDoc(WORD, "none", code_words(ACTIVATIONS), "an activation after the addition")},
    ),
    "select": OpSchema(
        keys=("split",),
        doc="select [split=N]: branches of equal shape weighted per channel by an attention across them, then "
            "added: their sum goes through the `attention:` body (ending with N·C channels at 1×1), a softmax "
            "across the N branches makes the weights (SKNet's selective kernel; ResNeSt's split attention)",
        info={"split": CHUNKS},
    ),
    "cascade": OpSchema(
        keys=("split",),
        doc="cascade split=N: Res2Net's hierarchical connections: the input in N equal channel chunks, branch 1 "
            "reads chunk 1, branch i chunk i plus branch i−1's output, the last chunk passes unchanged; all "
            "concatenated (N−1 branches)",
        info={"split": ArgDoc(WHOLE, "required", "≥ 2, divides the input channels", "the chunks")},
    ),
    "attention": OpSchema(doc="attention: inside `select:`, the body from the branches' sum to N·C weights at 1×1 "
                              "(before the softmax across branches)"),
    "branch": OpSchema(
        positional=("name",), keys=("name",),
        doc="branch [NAME]: one path inside concat, sum, select or cascade; its layers under `branchN`, or under "
            "NAME when written (a path that does not depend on the branches before it)",
        info={"name": ArgDoc(WORD, "`branchN`, counting the branches", "a name", "the branch's path segment")},
    ),
    "shortcut": OpSchema(doc="shortcut: inside `residual:`, the shortcut written out (any ops and combinators; "
                             "ResNet-D's `avgpool 2 s2` → `conv C k1 act=none`); a body that makes nothing is the identity"),
    "scale": OpSchema(doc="scale: multiply the input by the body's output (a channel gate, as in SE)"),
    "repeat": OpSchema(positional=("n",), keys=("n",), aliases={"x": "n"}, doc="repeat N: the body N times",
                       info={"n": ArgDoc(WHOLE, "required", "≥ 1", "how many times; not scaled by depth")}),
    "group": OpSchema(
        positional=("name",), keys=("name",),
        doc="group NAME: the body under the path segment NAME (a block's layers, as `archspec expand` writes them)",
        info={"name": ArgDoc(WORD, "required", "a name or a whole number", "the path segment")},
    ),
    "dense": OpSchema(
        positional=("n",), keys=("n",), aliases={"x": "n"},
        doc="dense N: N times, concatenate the body's output to its input (DenseNet connectivity)",
        info={"n": ArgDoc(WHOLE, "required", "≥ 1", "layers; not scaled by depth")},
    ),
}


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
            if a.key is None and isinstance(value, str) and schema.flags:  # a word in a taken slot: a misspelt flag
                raise SpecError(f"`{name}` has no flag `{value}`", a.span,
                                hint=did_you_mean(value, schema.flags) or f"`{name}` takes the flags {', '.join(schema.flags)}")
            raise SpecError(f"`{key}` given twice to `{name}`", a.span)
        out[key] = (value, a.span)
    return out
