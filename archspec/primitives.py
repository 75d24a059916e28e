"""Lowering of the primitive ops (conv, pools, fc, dropout, flatten, act, norm) into nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archspec import ir
from archspec.errors import SpecError
from archspec.expr import as_bool, as_float, as_int, as_word
from archspec.layerops.act import ALIASES as ACT_ALIASES
from archspec.layerops.act import ActAttrs
from archspec.layerops.base import NoAttrs, get
from archspec.layerops.conv import ConvAttrs, size, size_text
from archspec.layerops.dropout import DropoutAttrs
from archspec.layerops.layerscale import DEFAULT_INIT as LAYER_SCALE_INIT
from archspec.layerops.layerscale import LayerScaleAttrs
from archspec.layerops.linear import LinearAttrs
from archspec.layerops.mean import MeanAttrs
from archspec.layerops.norm import GN_GROUPS, NormAttrs
from archspec.layerops.norm import NORMS as NORMS_TABLE
from archspec.layerops.pad import PadAttrs, same_padding
from archspec.layerops.permute import TO_FIRST, TO_LAST, PermuteAttrs
from archspec.layerops.pool import PoolAttrs
from archspec.layerops.shuffle import ShuffleAttrs
from archspec.layerops.upsample import MODES as UPSAMPLE_MODES
from archspec.layerops.upsample import UpsampleAttrs
from archspec.ops import ACTIVATIONS, NORMS, OPS, bind, conv_out

if TYPE_CHECKING:
    from archspec.lower import Ctx, Lowerer, T


def lower_op(lw: Lowerer, st: ir.Call, x: T, ctx: Ctx) -> T:
    """Turn one primitive op statement into one or more nodes."""
    a = bind(st.name, OPS[st.name], st.args, lambda e: lw.eval(e, ctx.env), st.span)
    op = "fc" if st.name == "linear" else st.name
    return _LOWER[op](lw, st, a, x, ctx)


def _spatial(st: ir.Call, x: T) -> tuple[int, int, int]:
    if x.layout == "cl":
        raise SpecError(f"`{st.name}` needs a C×H×W input, but the input here is channels-last (H×W×C)", st.span,
                        hint="write `channels_first` before it")
    if len(x.shape) != 3:
        raise SpecError(f"`{st.name}` needs a C×H×W input, but the input here is flat ({x.shape[0]} features)", st.span,
                        hint="spatial ops must come before `flatten` / `fc`")
    return x.shape  # type: ignore[return-value]


_CONV = get("conv")


def _pair(v: Any, span: ir.Span | None, env: Any, what: str, minimum: int = 1) -> tuple[int, int]:
    """A size: one whole number for both axes (`k3`), or height and width (`k1x7`, `k=[1, 7]`)."""
    if type(v) is int and v >= minimum:  # the common case, checked first: lowering is on the hot path
        return v, v
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise SpecError(f"a {what} is one number or a height×width pair, got {len(v)} numbers", span,
                            hint="e.g. `k3`, `k1x7` or `kernel=[1, 7]`")
        return as_int(v[0], span, env, what, minimum=minimum), as_int(v[1], span, env, what, minimum=minimum)
    n = as_int(v, span, env, what, minimum=minimum)
    return n, n


def _get(a: dict[str, Any], key: str, default: Any) -> tuple[Any, ir.Span | None]:
    return a[key] if key in a else (default, None)


def _act_kind(lw: Lowerer, a: dict[str, Any], key: str, default: str, ctx: Ctx, span: ir.Span | None) -> str:
    v, s = _get(a, key, default)
    kind = as_word(v, s or span, "activation", ACTIVATIONS)
    return ACT_ALIASES.get(kind, kind)


def _norm_kind(a: dict[str, Any], key: str, default: str, span: ir.Span | None) -> str:
    v, s = _get(a, key, default)
    return as_word(v, s or span, "norm", NORMS)


def _conv(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    c_in, h, w = _spatial(st, x)
    if "c" not in a:
        raise SpecError("`conv` needs an output channel count", st.span, hint="e.g. `conv 64 k3`")
    if "k" not in a:
        raise SpecError("`conv` needs a kernel size", st.span, hint="e.g. `conv 64 k3` or `kernel=3`")
    env = ctx.env
    c = as_int(*a["c"], env, "output channels")
    if ctx.top and _literal(st, "c"):
        c = lw.scale_width(c)
    k = _pair(*a["k"], env, "kernel size")
    s = _pair(*_get(a, "s", 1), env, "stride")
    d = _pair(*_get(a, "d", 1), env, "dilation")
    if "p" in a and isinstance(a["p"][0], str) and a["p"][0] != "same":
        raise SpecError(f"unknown padding `{a['p'][0]}`", a["p"][1],
                        hint="padding is a number, a height×width pair like `p0x3`, or `same` (TensorFlow's)")
    if "p" in a and a["p"][0] == "same":  # TensorFlow's SAME: symmetric where it can be, else a pad first
        (top, bottom), (left, right) = same_padding(h, k[0], s[0], d[0]), same_padding(w, k[1], s[1], d[1])
        if (top, left) != (bottom, right):
            x = lw.add("pad", [x], PadAttrs(left, right, top, bottom), "pad", ctx, st.span)
            _, h, w = x.shape
            top = bottom = left = right = 0
        a = {**a, "p": ([top, left], a["p"][1])}
    p = _pair(*_get(a, "p", [d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2]), env, "padding", minimum=0)
    g = as_int(*_get(a, "g", 1), env, "groups")
    if c_in % g or c % g:
        culprit = a["g"][1] if "g" in a else st.span
        raise SpecError(f"groups={g} does not divide the channels ({c_in} in, {c} out)", culprit,
                        hint=f"the input here has {c_in} channels")
    # A gate's convs (inside `scale:`) carry no norm unless they say so, as SE's never do.
    norm = _norm_kind(a, "norm", "none" if ctx.gate is not None else lw.defaults.norm, st.span)
    act = _act_kind(lw, a, "act", lw.defaults.act, ctx, st.span)
    bias = as_bool(*a["bias"], env, "bias") if "bias" in a else norm == "none"
    attrs = ConvAttrs(c_in, c, size(*k), size(*s), size(*p), size(*d), g, bias)
    out = _CONV.shape(attrs, [x.shape])
    if out[1] < 1 or out[2] < 1:
        raise SpecError(f"a {k[0]}×{k[1]} conv with stride {size_text(size(*s))} leaves a map smaller than 1×1 "
                        f"(input {h}×{w})", st.span,
                        hint="the input is too small for this kernel/stride; use a larger input or fewer downsamplings")
    y = lw.add("conv", [x], attrs, "conv", ctx, st.span, out=out)
    if norm != "none":
        y = add_norm(lw, y, norm, ctx, st.span)
    if act != "none":
        y = add_act(lw, y, act, ctx, st.span)
    return y


def add_norm(
    lw: Lowerer, x: T, kind: str, ctx: Ctx, span: ir.Span | None, eps: float | None = None, momentum: float | None = None,
    groups: tuple[int, ir.Span | None] | None = None,
) -> T:
    """A norm node of ``kind`` on ``x``, with the spec's default eps and momentum unless given; on a
    channels-last tensor it normalises the last axis."""
    d = lw.defaults
    last = x.layout == "cl"
    if last and not NORMS_TABLE[kind].any_axis:
        raise SpecError(f"`{kind}` normalises channels-first maps; the input here is channels-last (H×W×C)", span,
                        hint="write `channels_first` before it, or use `ln`")
    c = x.shape[-1] if last else x.shape[0]
    g = 0
    if kind == "gn":
        g, where = groups if groups is not None else (GN_GROUPS, span)
        if c % g:
            raise SpecError(f"GroupNorm's {g} groups do not divide the {c} channels here", where,
                            hint=f"choose groups that divide {c} (`norm gn groups=G`)")
    elif groups is not None:
        raise SpecError(f"`groups` is GroupNorm's; `{kind}` takes none", groups[1])
    attrs = NormAttrs(kind, c, d.norm_eps if eps is None else eps, d.norm_momentum if momentum is None else momentum,
                      len(x.shape), last, g)
    return lw.add("norm", [x], attrs, "norm", ctx, span)


def add_act(lw: Lowerer, x: T, kind: str, ctx: Ctx, span: ir.Span | None) -> T:
    """An activation node of ``kind`` (a canonical name, not an alias) on ``x``."""
    return lw.add("act", [x], ActAttrs(kind), "act", ctx, span)


def _pool(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    c, h, w = _spatial(st, x)
    env = ctx.env
    if "global" in a and as_bool(*a["global"], env, "global"):
        extra = sorted(set(a) - {"global"})
        if extra:
            raise SpecError(f"`{st.name} global` takes no `{extra[0]}`", a[extra[0]][1])
        return lw.add(st.name, [x], PoolAttrs(h, 1, mode="global"), st.name[:3] + "pool", ctx, st.span)
    if "size" in a:
        # Adaptive pooling to a fixed N×N, whatever the input (VGG's and AlexNet's pool before the classifier).
        extra = sorted(set(a) - {"size"})
        if extra:
            raise SpecError(f"`{st.name} size=` takes no `{extra[0]}`", a[extra[0]][1])
        n = as_int(*a["size"], env, "pool output size")
        attrs = PoolAttrs(max(1, h // n), max(1, h // n), mode="adaptive", size=n)
        return lw.add(st.name, [x], attrs, st.name[:3] + "pool", ctx, st.span)
    if "k" not in a:
        raise SpecError(
            f"`{st.name}` needs a kernel size or `global`", st.span, hint=f"e.g. `{st.name} k3 s2` or `{st.name} global`"
        )
    k = _pair(*a["k"], env, "kernel size")
    s = _pair(*a["s"], env, "stride") if "s" in a else k
    p = _pair(*_get(a, "p", 0), env, "padding", minimum=0)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise SpecError(f"pool padding {size_text(size(*p))} is more than half the kernel {size_text(size(*k))}",
                        a["p"][1], hint="PyTorch allows at most k//2")
    ceil = as_bool(*a["ceil"], env, "ceil") if "ceil" in a else False
    if conv_out(h, k[0], s[0], p[0], 1, ceil) < 1 or conv_out(w, k[1], s[1], p[1], 1, ceil) < 1:
        raise SpecError(f"a {k[0]}×{k[1]} pool with stride {size_text(size(*s))} leaves a map smaller than 1×1 "
                        f"(input {h}×{w})", st.span)
    attrs = PoolAttrs(size(*k), size(*s), size(*p), ceil)
    return lw.add(st.name, [x], attrs, st.name[:3] + "pool", ctx, st.span)


def _flatten(lw: Lowerer, x: T, ctx: Ctx, span: ir.Span | None) -> T:
    return lw.add("flatten", [x], NoAttrs(), "flatten", ctx, span)


def _fc(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    if "c" not in a:
        raise SpecError("`fc` needs an output size", st.span, hint="e.g. `fc 1000`")
    env = ctx.env
    n = as_int(*a["c"], env, "output features")
    if len(x.shape) != 1 and x.layout != "cl":  # on a channels-last map: the same layer at every position
        x = _flatten(lw, x, ctx, st.span)
    bias = as_bool(*a["bias"], env, "bias") if "bias" in a else True
    act = _act_kind(lw, a, "act", "none", ctx, st.span)
    y = lw.add("linear", [x], LinearAttrs(x.shape[-1], n, bias), "fc", ctx, st.span)
    return add_act(lw, y, act, ctx, st.span) if act != "none" else y


def _dropout(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    if "p" not in a:
        raise SpecError("`dropout` needs a probability", st.span, hint="e.g. `dropout 0.2`")
    p = as_float(*a["p"], ctx.env, "dropout probability", 0.0, 1.0)
    return lw.add("dropout", [x], DropoutAttrs(p), "dropout", ctx, st.span)


def _mean(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    _spatial(st, x)
    return lw.add("mean", [x], MeanAttrs(bool(a.get("keep", (False,))[0])), "mean", ctx, st.span)


def _shuffle(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    c, _, _ = _spatial(st, x)
    if "groups" not in a:
        raise SpecError("`shuffle` needs a group count", st.span, hint="e.g. `shuffle 2`")
    g = as_int(*a["groups"], ctx.env, "shuffle groups")
    if c % g:
        raise SpecError(f"shuffle {g} does not divide the {c} channels here", a["groups"][1],
                        hint=f"the groups must divide the channel count ({c})")
    return lw.add("shuffle", [x], ShuffleAttrs(g), "shuffle", ctx, st.span)


def _permute(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    last = st.name == "channels_last"
    if len(x.shape) != 3:
        raise SpecError(f"`{st.name}` needs a map, but the input here is flat ({x.shape[0]} features)", st.span)
    if (x.layout == "cl") == last:
        raise SpecError(f"the input here is already {'channels-last' if last else 'channels-first'}", st.span)
    attrs = PermuteAttrs(TO_LAST if last else TO_FIRST)
    return lw.add("permute", [x], attrs, "permute", ctx, st.span, layout="cl" if last else "cf")


def _layer_scale(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    c, _, _ = _spatial(st, x)
    init = as_float(*a["init"], ctx.env, "layer scale", 0.0) if "init" in a else LAYER_SCALE_INIT
    return lw.add("layerscale", [x], LayerScaleAttrs(c, init), "layer_scale", ctx, st.span)


def _pad(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    _spatial(st, x)
    sides = [as_int(*_get(a, side, 0), ctx.env, f"{side} padding", minimum=0) for side in ("left", "right", "top", "bottom")]
    if not any(sides):
        raise SpecError("`pad` needs a width for at least one side", st.span, hint="e.g. `pad 0 1 0 1` (left right top bottom)")
    return lw.add("pad", [x], PadAttrs(*sides), "pad", ctx, st.span)


def _identity(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    return x


def _flatten_op(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    return _flatten(lw, x, ctx, st.span)


def _act(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    kind = _act_kind(lw, a, "kind", lw.defaults.act, ctx, st.span)
    slope = None
    if "slope" in a:
        if kind != "leaky_relu":
            raise SpecError(f"`slope` is leaky_relu's; `{kind}` takes none", a["slope"][1])
        slope = as_float(*a["slope"], ctx.env, "slope", 0.0)
    if kind == "none":
        return x
    return lw.add("act", [x], ActAttrs(kind, slope), "act", ctx, st.span)


def _upsample(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    _spatial(st, x)
    if "scale" not in a:
        raise SpecError("`upsample` needs a scale factor", st.span, hint="e.g. `upsample 2` or `upsample 2 bilinear`")
    scale = as_int(*a["scale"], ctx.env, "scale factor")
    mode = "nearest"
    for key in ("mode", "nearest", "bilinear"):
        if key in a:
            mode = key if key != "mode" else as_word(*a["mode"], "upsampling mode", UPSAMPLE_MODES)
    return lw.add("upsample", [x], UpsampleAttrs(scale, mode), "upsample", ctx, st.span)


def _norm(lw: Lowerer, st: ir.Call, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    kind = _norm_kind(a, "kind", lw.defaults.norm, st.span)
    if kind == "none":
        return x
    eps = as_float(*a["eps"], ctx.env, "eps", 0.0, 1.0) if "eps" in a else None
    momentum = as_float(*a["momentum"], ctx.env, "momentum", 0.0, 1.0) if "momentum" in a else None
    groups = (as_int(*a["groups"], ctx.env, "groups"), a["groups"][1]) if "groups" in a else None
    return add_norm(lw, x, kind, ctx, st.span, eps, momentum, groups)


def _literal(st: ir.Call, key: str) -> bool:
    from archspec.lower import literal_arg

    return literal_arg(st.args, list(OPS[st.name].positional), key)


_LOWER = {
    "conv": _conv,
    "maxpool": _pool,
    "avgpool": _pool,
    "fc": _fc,
    "dropout": _dropout,
    "flatten": _flatten_op,
    "mean": _mean,
    "shuffle": _shuffle,
    "identity": _identity,
    "upsample": _upsample,
    "pad": _pad,
    "channels_last": _permute,
    "channels_first": _permute,
    "layer_scale": _layer_scale,
    "act": _act,
    "norm": _norm,
}
