"""Lowering of the combinators: residual (with a `shortcut:` body), scale, repeat, dense and group; those with
`branch:` children (concat, sum, select, cascade) are in ``branches.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archspec import ir
from archspec.branches import cascade, concat, select, sum_
from archspec.errors import SpecError, shape_text
from archspec.expr import as_float, as_int, as_word
from archspec.layerops import NoAttrs
from archspec.layerops.act import ALIASES as ACT_ALIASES
from archspec.layerops.conv import ConvAttrs
from archspec.layerops.droppath import DropPathAttrs
from archspec.layerops.zeropad import ZeroPadAttrs
from archspec.ops import ACTIVATIONS, COMBINATORS, NORMS, ORDERS, SHORTCUTS, bind, conv_out
from archspec.primitives import add_act, add_norm

if TYPE_CHECKING:
    from archspec.lower import Ctx, Lowerer, T


def lower(lw: Lowerer, st: ir.Compound, x: T, ctx: Ctx) -> T:
    a = bind(st.name, COMBINATORS[st.name], st.args, lambda e: lw.eval(e, ctx.env), st.span)
    return _LOWER[st.name](lw, st, a, x, ctx)


def _residual(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    explicit = [b for b in st.body if b.kind == "compound" and b.name == "shortcut"]
    kind = as_word(*a["shortcut"], "shortcut", SHORTCUTS) if "shortcut" in a else "auto"
    _check_unused(a, kind, explicit)
    p = as_float(*a["drop_path"], ctx.env, "drop_path", 0.0, 1.0) if "drop_path" in a else 0.0
    default_norm = "none" if ctx.gate is not None else lw.defaults.norm  # a gate's convs: no norm unless said
    sc_norm = as_word(*a["shortcut_norm"], "norm", NORMS) if "shortcut_norm" in a else default_norm
    order = as_word(*a["order"], "order", ORDERS) if "order" in a else "body_first"
    sid = lw.open_scope("residual", ctx.prefix, "residual", ctx.scope, st.span,
                        {"shortcut": "explicit" if explicit else kind})
    inner = ctx.with_(scope=sid)
    if explicit:
        return _explicit(lw, st, a, x, ctx, sid, explicit[0], order, p)
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
    watched = "shortcut_norm" in a and kind == "auto" and not (lw.stack and lw.stack[-1] in lw.builtin)
    if watched:
        lw.sc_norm_used[a["shortcut_norm"][1]] = lw.sc_norm_used.get(a["shortcut_norm"][1], False) or not same
    if same and kind != "projection":
        lw.note(sid, shortcut="identity")
        sc = x
    else:
        s = _stride(x.shape, y.shape, st.span)
        mid = lw.mark()[0]
        sctx = _shortcut_ctx(lw, ctx, sid, st.span)
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
    return _join(lw, a, y, sc, inner, st.span)


def _check_unused(a: dict[str, Any], kind: str, explicit: list[Any]) -> None:
    """An argument that can have no effect here is an error, never silently ignored."""
    if explicit:
        for key in ("shortcut", "shortcut_norm"):
            if key in a:
                raise SpecError(f"`{key}=` has no effect: this residual's shortcut is written out in its `shortcut:` body",
                                a[key][1], hint=f"remove `{key}=` (put a norm in the `shortcut:` body instead)")
        if len(explicit) > 1:
            raise SpecError("a residual has one `shortcut:` body", explicit[1].span, hint="merge them into one")
        return
    if kind == "none" and "drop_path" in a:
        raise SpecError("`drop_path=` has no effect with shortcut=none: there is no residual to drop the body from",
                        a["drop_path"][1], hint="remove `drop_path=`, or give the residual a shortcut")
    if kind in ("zeropad", "when_same", "none"):
        for key in ("shortcut_norm", "order"):
            if key in a:
                raise SpecError(f"`{key}=` has no effect with shortcut={kind}, which never makes a projection conv",
                                a[key][1], hint=f"remove `{key}=`, or use shortcut=auto or shortcut=projection")


def _shortcut_ctx(lw: Lowerer, ctx: Ctx, sid: int, span: ir.Span | None, fresh: bool = False) -> Ctx:
    """Where a shortcut's layers go: ``PREFIX.shortcut``; with ``fresh`` (a shortcut written out), a name of
    its own when another residual here took that one (``shortcut2``)."""
    path = f"{ctx.prefix}.shortcut" if ctx.prefix else "shortcut"
    if fresh and any(n.name.startswith(path + ".") for n in lw.nodes):
        lw.counters.setdefault(ctx.prefix, {}).setdefault("shortcut", 1)
        path = lw.alloc(ctx.prefix, "shortcut")
    ssid = lw.open_scope("shortcut", path, "shortcut", sid, span)
    return ctx.with_(prefix=path, scope=ssid)


def _explicit(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx, sid: int, sc_st: ir.Compound,
              order: str, p: float) -> T:
    """A residual whose shortcut is written out (`shortcut:` in its body): ResNet-D's avgpool → 1×1 conv → BN.
    A `shortcut:` body that makes nothing is the identity."""
    inner = ctx.with_(scope=sid)
    body = [b for b in st.body if b is not sc_st]
    bind("shortcut", COMBINATORS["shortcut"], sc_st.args, lambda e: lw.eval(e, ctx.env), sc_st.span)

    def shortcut() -> T:
        before = lw.mark()[0]
        sc = lw.body(sc_st.body, x, _shortcut_ctx(lw, ctx, sid, sc_st.span, fresh=True))
        lw.note(sid, shortcut="explicit" if lw.mark()[0] > before or sc.node != x.node else "identity")
        return sc

    if order == "shortcut_first":
        sc = shortcut()
        y = lw.body(body, x, inner)
        lw.note(sid, order=order)
    else:
        y = lw.body(body, x, inner)
        sc = shortcut()
    if y.shape != sc.shape:
        raise SpecError(f"the residual body gives {shape_text(y.shape)} but its `shortcut:` gives {shape_text(sc.shape)}; "
                        "they are added, so they must be equal", sc_st.span,
                        hint="make the shortcut carry the body's stride and channels (e.g. `avgpool 2 s2`, `conv C k1`)")
    if len(y.shape) != 3:
        raise SpecError("a residual body must keep a C×H×W shape", st.span)
    if p > 0:
        y = lw.add("droppath", [y], DropPathAttrs(p), "droppath", inner, st.span)
    return _join(lw, a, y, sc, inner, st.span)


def _join(lw: Lowerer, a: dict[str, Any], y: T, sc: T, inner: Ctx, span: ir.Span | None) -> T:
    """The residual's addition, then the activation said on the residual itself."""
    out = lw.add("add", [y, sc], NoAttrs(), "add", inner, span)
    if "act" in a:
        kind = as_word(*a["act"], "activation", ACTIVATIONS)
        if kind != "none":
            out = add_act(lw, out, ACT_ALIASES.get(kind, kind), inner, span)
    return out


def _stride(xs: tuple[int, ...], ys: tuple[int, ...], span: ir.Span | None) -> int:
    """The stride a 1×1 shortcut needs to match the body's output size."""
    s = max(1, -(-xs[1] // ys[1]))
    if conv_out(xs[1], 1, s, 0) != ys[1] or conv_out(xs[2], 1, s, 0) != ys[2]:
        raise SpecError(f"the residual body turns {shape_text(xs)} into {shape_text(ys)}; no 1×1 shortcut matches that", span,
                        hint="the body must keep the map size or divide it by a whole stride")
    return s


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


def _stray_shortcut(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    raise SpecError("`shortcut:` belongs directly inside `residual:`", st.span,
                    hint="write it in the residual's body: `residual:` … `shortcut:` …")


def _stray_attention(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    raise SpecError("`attention:` belongs directly inside `select:`", st.span,
                    hint="write it after the branches of a `select:`")


def _stray_branch(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    raise SpecError("`branch:` belongs inside `concat:`, `sum:`, `select:` or `cascade:`", st.span,
                    hint="write `concat:`, `sum:`, `select:` or `cascade:` and put the branches under it")


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
    "concat": concat,
    "sum": sum_,
    "select": select,
    "cascade": cascade,
    "branch": _stray_branch,
    "shortcut": _stray_shortcut,
    "attention": _stray_attention,
    "scale": _scale,
    "repeat": _repeat,
    "dense": _dense,
}
