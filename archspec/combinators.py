"""Lowering of the combinators: residual, concat/branch, scale, repeat and dense."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archspec import ir
from archspec.errors import SpecError, shape_text
from archspec.expr import as_float, as_int, as_word
from archspec.layerops import NoAttrs
from archspec.layerops.act import ALIASES as ACT_ALIASES
from archspec.layerops.conv import ConvAttrs
from archspec.layerops.droppath import DropPathAttrs
from archspec.layerops.slice import SliceAttrs
from archspec.layerops.zeropad import ZeroPadAttrs
from archspec.ops import ACTIVATIONS, COMBINATORS, NORMS, ORDERS, SHORTCUTS, bind, conv_out
from archspec.primitives import add_act, add_norm

if TYPE_CHECKING:
    from archspec.lower import Ctx, Lowerer, T


def lower(lw: Lowerer, st: ir.Compound, x: T, ctx: Ctx) -> T:
    a = bind(st.name, COMBINATORS[st.name], st.args, lambda e: lw.eval(e, ctx.env), st.span)
    return _LOWER[st.name](lw, st, a, x, ctx)


def _residual(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    kind = as_word(*a["shortcut"], "shortcut", SHORTCUTS) if "shortcut" in a else "auto"
    p = as_float(*a["drop_path"], ctx.env, "drop_path", 0.0, 1.0) if "drop_path" in a else 0.0
    default_norm = "none" if ctx.gate is not None else lw.defaults.norm  # a gate's convs: no norm unless said
    sc_norm = as_word(*a["shortcut_norm"], "norm", NORMS) if "shortcut_norm" in a else default_norm
    order = as_word(*a["order"], "order", ORDERS) if "order" in a else "body_first"
    sid = lw.open_scope("residual", ctx.prefix, "residual", ctx.scope, st.span, {"shortcut": kind})
    inner = ctx.with_(scope=sid)
    start = lw.mark()[0]
    y = lw.body(st.body, x, inner)
    same = y.shape == x.shape
    if kind == "none" or (kind == "when_same" and not same):
        lw.note(sid, shortcut="none")
        return y
    if len(y.shape) != 3 or len(x.shape) != 3:
        raise SpecError("a residual body must keep a C×H×W shape", st.span)
    if p > 0:
        y = lw.add("droppath", [y], DropPathAttrs(p), "droppath", inner, st.span)
    if same and kind != "projection":
        lw.note(sid, shortcut="identity")
        sc = x
    else:
        s = _stride(x.shape, y.shape, st.span)
        mid = lw.mark()[0]
        ssid = lw.open_scope("shortcut", f"{ctx.prefix}.shortcut", "shortcut", sid, st.span)
        sctx = ctx.with_(prefix=f"{ctx.prefix}.shortcut" if ctx.prefix else "shortcut", scope=ssid)
        if kind == "zeropad":
            if y.shape[0] < x.shape[0]:
                raise SpecError(f"a zero-padding shortcut cannot shrink channels ({x.shape[0]} → {y.shape[0]})", st.span,
                                hint="use shortcut=projection")
            sc = lw.add("zeropad", [x], ZeroPadAttrs(s, y.shape[0] - x.shape[0]), "zeropad", sctx, st.span)
        else:
            attrs = ConvAttrs(x.shape[0], y.shape[0], 1, s, 0, 1, 1, bias=sc_norm == "none")
            sc = lw.add("conv", [x], attrs, "conv", sctx, st.span)
            if sc_norm != "none":
                sc = add_norm(lw, sc, sc_norm, sctx, st.span)
        lw.note(sid, shortcut=kind if kind != "auto" else "projection")
        if order == "shortcut_first":
            y, sc = lw.put_first(start, mid, [y, sc])
            lw.note(sid, order=order)
    out = lw.add("add", [y, sc], NoAttrs(), "add", inner, st.span)
    if "act" in a:  # the activation after the addition, said on the residual itself
        kind = as_word(*a["act"], "activation", ACTIVATIONS)
        if kind != "none":
            out = add_act(lw, out, ACT_ALIASES.get(kind, kind), inner, st.span)
    return out


def _stride(xs: tuple[int, ...], ys: tuple[int, ...], span: ir.Span | None) -> int:
    """The stride a 1×1 shortcut needs to match the body's output size."""
    s = max(1, -(-xs[1] // ys[1]))
    if conv_out(xs[1], 1, s, 0) != ys[1] or conv_out(xs[2], 1, s, 0) != ys[2]:
        raise SpecError(f"the residual body turns {shape_text(xs)} into {shape_text(ys)}; no 1×1 shortcut matches that", span,
                        hint="the body must keep the map size or divide it by a whole stride")
    return s


def _concat(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    branches = [b for b in st.body if b.kind != "let"]
    split = _split(lw, a, st, x, len(branches), ctx) if "split" in a else 0
    sid = lw.open_scope("concat", ctx.prefix, "concat", ctx.scope, st.span, {"split": split} if split else None)
    outs: list[T] = []
    for b in st.body:
        if b.kind == "let":
            ctx.env.values[b.name] = lw.eval(b.value, ctx.env)
            continue
        if b.kind != "compound" or b.name != "branch":
            raise SpecError("inside `concat:` every statement is a `branch:`", b.span, hint="wrap it as `branch: ...`")
        bind("branch", COMBINATORS["branch"], b.args, lambda e: lw.eval(e, ctx.env), b.span)
        name = lw.alloc(ctx.prefix, "branch")
        bsid = lw.open_scope("branch", name, "branch", sid, b.span)
        inner = ctx.with_(prefix=name, scope=bsid)
        xi = x
        if split:  # branch i reads the i-th of `split` equal channel chunks
            chunk = x.shape[0] // split
            i = len(outs)
            xi = lw.add("slice", [x], SliceAttrs(i * chunk, (i + 1) * chunk), "slice", inner, b.span)
        y = lw.body(b.body, xi, inner)
        if len(y.shape) != 3:
            raise SpecError("a branch must end with a C×H×W map", b.span)
        if outs and y.shape[1:] != outs[0].shape[1:]:
            raise SpecError(f"branch gives {y.shape[1]}×{y.shape[2]} maps but the first branch gives "
                            f"{outs[0].shape[1]}×{outs[0].shape[2]}; concat needs equal sizes", b.span)
        outs.append(y)
    if not outs:
        raise SpecError("`concat:` needs at least one `branch:`", st.span)
    return lw.add("concat", outs, NoAttrs(), "concat", ctx.with_(scope=sid), st.span)


def _split(lw: Lowerer, a: dict[str, Any], st: ir.Compound, x: T, branches: int, ctx: Ctx) -> int:
    """The N of `concat split=N:`, checked: the input's channels divide into N chunks, one per branch."""
    n = as_int(*a["split"], ctx.env, "split", minimum=1)
    span = a["split"][1]
    if len(x.shape) != 3:
        raise SpecError(f"`concat split={n}` needs a C×H×W input, got {shape_text(x.shape)}", span)
    if x.shape[0] % n:
        raise SpecError(f"split={n} does not divide the {x.shape[0]} input channels into equal chunks", span,
                        hint=f"the chunks must be equal: choose a divisor of {x.shape[0]}")
    if branches != n:
        raise SpecError(f"split={n} makes {n} chunks but `concat` has {branches} branch(es)", span,
                        hint="one `branch:` per chunk; `branch: identity` passes its chunk through")
    return n


def _scale(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    """`scale:` multiplies its input by its body, the gate. The gate's convs default to no norm; `in` in
    it stays the enclosing block's or section's input (the gate's input is in.c only in a block of its own)."""
    sid = lw.open_scope("scale", ctx.prefix, "scale", ctx.scope, st.span)
    inner = ctx.with_(scope=sid, gate=x.shape)
    try:
        g = lw.body(st.body, x, inner)
    except SpecError as err:
        note = _in_note(st, x, ctx, err.span)
        if note:
            err.hint = f"{err.hint}; {note}" if err.hint else note
        raise
    if len(g.shape) != 3 or g.shape[0] != x.shape[0] or g.shape[1:] not in ((1, 1), x.shape[1:]):
        hint = f"the body must end with {x.shape[0]} channels (1×1 or the same size)"
        note = _in_note(st, x, ctx, None)
        raise SpecError(f"`scale:` multiplies a {shape_text(x.shape)} input by its body's output, which is {shape_text(g.shape)}",
                        st.span, hint=f"{hint}; {note}" if note else hint)
    return lw.add("mul", [x, g], NoAttrs(), "mul", inner, st.span)


def _in_note(st: ir.Compound, x: T, ctx: Ctx, span: ir.Span | None) -> str | None:
    """When a gate's `in.c` is not the channels it multiplies (and, given ``span``, the error lies on a use
    of it), say whose input `in` is."""
    try:
        outer = ctx.env.get("in")
    except KeyError:
        return None
    uses = [u for u in _in_uses(st.body) if span is None or _within(u, span)]
    if not uses or (outer.c, outer.h, outer.w) == x.shape:
        return None
    return (f"`in` inside `scale:` is the input of the enclosing block or section ({shape_text((outer.c, outer.h, outer.w))}), "
            f"not the gate's ({shape_text(x.shape)}): `in.c` is {outer.c} here; write the width, or make the gate a "
            f"block of its own, whose `in` is its input (as the prelude's `se`)")


def _in_uses(node: Any) -> list[ir.Span]:
    """The spans of every `in.c` / `in.h` / `in.w` under ``node`` (IR nodes and lists of them)."""
    if isinstance(node, list):
        return [s for n in node for s in _in_uses(n)]
    if isinstance(node, ir.Attr):
        return [node.span] if node.obj == "in" and node.span else []
    if isinstance(node, ir.Node) and not isinstance(node, ir.Span):
        return [s for f in ir.field_names(type(node)) if f != "span" for s in _in_uses(getattr(node, f))]
    return []


def _within(inner: ir.Span, outer: ir.Span) -> bool:
    start, end = (inner.line, inner.col), (inner.end_line, inner.end_col)
    return (outer.line, outer.col) <= start and end <= (outer.end_line, outer.end_col)


def _count(lw: Lowerer, a: dict[str, Any], st: ir.Compound, ctx: Ctx) -> int:
    if "n" not in a:
        raise SpecError(f"`{st.name}` needs a count", st.span, hint=f"e.g. `{st.name} 3:`")
    n = as_int(*a["n"], ctx.env, f"{st.name} count")
    lw.check_repeats(n, a["n"][1])
    return n


def _repeat(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    n = _count(lw, a, st, ctx)
    name = lw.alloc(ctx.prefix, "repeat")
    sid = lw.open_scope("repeat", name, "repeat", ctx.scope, st.span, {"repeats": n})
    for i in range(n):
        before = lw.mark()
        x = lw.body(st.body, x, ctx.with_(prefix=f"{name}.{i}", scope=sid))
        if i == 1:
            lw.check_loop(n, 2, before, st.span)
    return x


def _dense(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    n = _count(lw, a, st, ctx)
    if len(x.shape) != 3:  # dense connectivity concatenates feature maps
        raise SpecError(f"`dense` needs a C×H×W input, got {shape_text(x.shape)}", st.span, hint="put it before `flatten` / `fc`")
    name = lw.alloc(ctx.prefix, "dense")
    sid = lw.open_scope("dense", name, "dense", ctx.scope, st.span, {"layers": n, "in_c": x.shape[0]})
    for i in range(n):
        before = lw.mark()
        inner = ctx.with_(prefix=f"{name}.{i}", scope=sid)
        y = lw.body(st.body, x, inner)
        if len(y.shape) != 3 or y.shape[1:] != x.shape[1:]:
            raise SpecError(f"a dense layer must keep the map size ({x.shape[1]}×{x.shape[2]}), got {shape_text(y.shape)}",
                            st.span)
        if i == 0:
            lw.note(sid, growth=y.shape[0])
        x = lw.add_at("concat", [x, y], NoAttrs(), f"{name}.{i}.concat", inner, st.span)
        if i == 1:
            lw.check_loop(n, 2, before, st.span)
    lw.note(sid, out_c=x.shape[0])
    return x


def _stray_branch(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    raise SpecError("`branch:` belongs inside `concat:`", st.span, hint="write `concat:` and put the branches under it")


def _group(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    """The body's layers under ``prefix.NAME``: `archspec expand` keeps a block's paths with it."""
    if "name" not in a:
        raise SpecError("`group` needs a name", st.span, hint="e.g. `group 0:` or `group se1:`")
    raw = next(arg.value for arg in st.args if arg.key in (None, "name"))
    if isinstance(raw, ir.Name) and "." not in raw.id:
        seg = raw.id
    elif isinstance(raw, ir.Num) and isinstance(raw.value, int) and raw.value >= 0:
        seg = str(raw.value)
    else:
        raise SpecError("a group's name is a word or a whole number", getattr(raw, "span", None) or st.span,
                        hint="e.g. `group 0:` or `group se1:`")
    path = lw.claim(ctx.prefix, seg, st.span)
    sid = lw.open_scope("group", path, "group", ctx.scope, st.span)
    return lw.body(st.body, x, ctx.with_(prefix=path, scope=sid))


_LOWER = {
    "group": _group,
    "residual": _residual,
    "concat": _concat,
    "branch": _stray_branch,
    "scale": _scale,
    "repeat": _repeat,
    "dense": _dense,
}
