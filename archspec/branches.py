"""Lowering of the combinators with `branch:` children: `concat:` (joined along channels), `sum:` (added),
`select:` (weighted by an attention across the branches, SKNet / ResNeSt) and `cascade:` (Res2Net)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archspec import ir
from archspec.errors import SpecError, shape_text
from archspec.expr import as_int, as_word
from archspec.layerops import NoAttrs
from archspec.layerops.act import ALIASES as ACT_ALIASES
from archspec.layerops.slice import SliceAttrs
from archspec.layerops.softmax import SoftmaxAttrs
from archspec.ops import ACTIVATIONS, COMBINATORS, bind
from archspec.primitives import add_act

if TYPE_CHECKING:
    from archspec.lower import Ctx, Lowerer, T


def concat(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    branches = [b for b in _chosen(lw, st.body, ctx) if b.kind != "let"]
    split = _split(lw, a, st, x, len(branches), ctx) if "split" in a else 0
    sid = lw.open_scope("concat", ctx.prefix, "concat", ctx.scope, st.span, {"split": split} if split else None)
    outs = _branches(lw, st, x, ctx, sid, split)
    return lw.add("concat", outs, NoAttrs(), "concat", ctx.with_(scope=sid), st.span)


def sum_(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    """`sum:` adds its branches' outputs (RepVGG's 3×3 + 1×1 + identity); every branch reads the whole input."""
    sid = lw.open_scope("sum", ctx.prefix, "sum", ctx.scope, st.span)
    outs = _branches(lw, st, x, ctx, sid, 0)
    if len(outs) < 2:
        raise SpecError("`sum:` adds two or more branches", st.span, hint="add a `branch:` (`branch: identity` is the input)")
    inner = ctx.with_(scope=sid)
    # Binary adds from the last branch back, (b3 + b2) + b1, as RepVGG writes `conv_1x1(x) + conv_kxk(x)`,
    # then `+= identity`: a block whose first branch exists in some calls only keeps one forward.
    out = outs[-1]
    for y in reversed(outs[:-1]):
        out = lw.add("add", [out, y], NoAttrs(), "add", inner, st.span)
    if "act" in a:  # the activation after the addition (RepVGG's ReLU)
        kind = as_word(*a["act"], "activation", ACTIVATIONS)
        if kind != "none":
            out = add_act(lw, out, ACT_ALIASES.get(kind, kind), inner, st.span)
    return out


def _branches(lw: Lowerer, st: ir.Compound, x: T, ctx: Ctx, sid: int, split: int) -> list[T]:
    """Lower the `branch:` children of `concat:` or `sum:` (``split``: each reads its chunk), shapes checked."""
    what = st.name
    outs: list[T] = []
    for b in _chosen(lw, st.body, ctx):
        if b.kind == "let":
            ctx.env.values[b.name] = lw.eval(b.value, ctx.env)
            continue
        if b.kind != "compound" or b.name != "branch":
            raise SpecError(f"inside `{what}:` every statement is a `branch:`", b.span, hint="wrap it as `branch: ...`")
        name = branch_path(lw, b, ctx)
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
        if what in ("sum", "select") and outs and y.shape != outs[0].shape:
            raise SpecError(f"branch gives {shape_text(y.shape)} but the first branch gives {shape_text(outs[0].shape)}; "
                            f"`{what}:` adds equal shapes", b.span,
                            hint="give every branch the same channels and stride")
        if outs and y.shape[1:] != outs[0].shape[1:]:
            raise SpecError(f"branch gives {y.shape[1]}×{y.shape[2]} maps but the first branch gives "
                            f"{outs[0].shape[1]}×{outs[0].shape[2]}; concat needs equal sizes", b.span)
        outs.append(y)
    if not outs:
        raise SpecError(f"`{what}:` needs at least one `branch:`", st.span)
    return outs


def branch_path(lw: Lowerer, b: ir.Compound, ctx: Ctx) -> str:
    """Where a branch's layers go: ``branchN``, or the name written (`branch identity:`), which keeps a
    branch's path whether or not the branches before it exist (RepVGG's identity BN)."""
    a = bind("branch", COMBINATORS["branch"], b.args, lambda e: lw.eval(e, ctx.env), b.span)
    if "name" not in a:
        return lw.alloc(ctx.prefix, "branch")
    raw = next(arg.value for arg in b.args if arg.key in (None, "name"))
    if not (isinstance(raw, ir.Name) and "." not in raw.id):
        raise SpecError("a branch's name is a word", getattr(raw, "span", None) or b.span, hint="e.g. `branch identity:`")
    return lw.claim(ctx.prefix, raw.id, b.span)


def _chosen(lw: Lowerer, stmts: list[Any], ctx: Ctx) -> list[Any]:
    """The statements with each `if` replaced by the body it takes: a branch may exist on a condition
    (RepVGG's identity branch only where the shape is kept)."""
    out: list[Any] = []
    for st in stmts:
        if st.kind != "if":
            out.append(st)
            continue
        for br in st.branches:
            if br.test is None or lw.ev.truth(lw.eval(br.test, ctx.env), br.test.span, ctx.env):
                out += _chosen(lw, br.body, ctx)
                break
    return out


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


def select(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    """`select:`: N branches of equal shape; their sum goes through the `attention:` body, which must end
    with N·C channels at 1×1; a softmax across the N branches turns those into per-channel weights, and
    the output is the branches weighted and added (SKNet's fuse and select; ResNeSt's split attention)."""
    att = [b for b in st.body if b.kind == "compound" and b.name == "attention"]
    if len(att) != 1:
        raise SpecError("`select:` needs one `attention:` body after its branches", att[1].span if att else st.span,
                        hint="e.g. `attention:` then `mean keep`, `conv D k1`, `conv N*C k1 norm=none act=none bias=false`")
    bind("attention", COMBINATORS["attention"], att[0].args, lambda e: lw.eval(e, ctx.env), att[0].span)
    rest = ir.Compound(name="select", args=st.args, body=[b for b in st.body if b is not att[0]], span=st.span)
    branches = [b for b in _chosen(lw, rest.body, ctx) if b.kind != "let"]
    split = _split(lw, a, rest, x, len(branches), ctx) if "split" in a else 0
    sid = lw.open_scope("select", ctx.prefix, "select", ctx.scope, st.span, {"split": split} if split else None)
    outs = _branches(lw, rest, x, ctx, sid, split)
    n, c = len(outs), outs[0].shape[0]
    if n < 2:
        raise SpecError("`select:` weighs two or more branches", st.span, hint="add a `branch:`")
    inner = ctx.with_(scope=sid)
    total = lw.add("add", outs, NoAttrs(), "add", inner, st.span)
    name = lw.alloc(ctx.prefix, "attention")
    asid = lw.open_scope("attention", name, "attention", sid, att[0].span)
    w = lw.body(att[0].body, total, ctx.with_(prefix=name, scope=asid))
    if w.shape != (n * c, 1, 1):
        raise SpecError(f"the attention body gives {shape_text(w.shape)}; `select:` needs {n}·{c} = {n * c} channels at "
                        f"1×1, one weight per branch and channel", att[0].span,
                        hint=f"end it with `conv {n * c} k1 norm=none act=none` on a pooled (`mean keep`) map")
    w = lw.add("softmax", [w], SoftmaxAttrs(n), "softmax", inner, att[0].span)
    parts = []
    for i, y in enumerate(outs):
        wi = lw.add("slice", [w], SliceAttrs(i * c, (i + 1) * c), "slice", inner, st.span)
        parts.append(lw.add("mul", [y, wi], NoAttrs(), "mul", inner, st.span))
    return lw.add("add", parts, NoAttrs(), "add", inner, st.span)


def cascade(lw: Lowerer, st: ir.Compound, a: dict[str, Any], x: T, ctx: Ctx) -> T:
    """`cascade split=N:` (Res2Net's hierarchical residual-like connections): the input in N equal channel
    chunks; branch 1 reads chunk 1, branch i reads chunk i plus branch i−1's output; the last chunk passes
    unchanged; the branches' outputs and the last chunk are concatenated. N−1 branches."""
    if "split" not in a:
        raise SpecError("`cascade` needs `split=N`", st.span, hint="e.g. `cascade split=4:` with three branches")
    branches = [b for b in _chosen(lw, st.body, ctx) if b.kind != "let"]
    n = as_int(*a["split"], ctx.env, "split", minimum=2)
    span = a["split"][1]
    if len(x.shape) != 3 or x.shape[0] % n:
        raise SpecError(f"split={n} does not divide the input {shape_text(x.shape)} into {n} equal channel chunks", span)
    if len(branches) != n - 1:
        raise SpecError(f"`cascade split={n}` has {len(branches)} branch(es); it takes {n - 1} (the last chunk passes "
                        "unchanged)", span, hint=f"write {n - 1} `branch:` lines")
    sid = lw.open_scope("cascade", ctx.prefix, "cascade", ctx.scope, st.span, {"split": n})
    inner = ctx.with_(scope=sid)
    chunk = x.shape[0] // n
    outs: list[T] = []
    for i, b in enumerate(branches):
        if b.kind != "compound" or b.name != "branch":
            raise SpecError("inside `cascade:` every statement is a `branch:`", b.span, hint="wrap it as `branch: ...`")
        name = branch_path(lw, b, ctx)
        bsid = lw.open_scope("branch", name, "branch", sid, b.span)
        bctx = ctx.with_(prefix=name, scope=bsid)
        # The chunk and the add sit beside the branch, not in it: each branch then reads one value.
        xi = lw.add("slice", [x], SliceAttrs(i * chunk, (i + 1) * chunk), "slice", inner, b.span)
        if outs:
            if outs[-1].shape != xi.shape:
                raise SpecError(f"the previous branch gives {shape_text(outs[-1].shape)}, which cannot be added to the "
                                f"{shape_text(xi.shape)} chunk here", b.span,
                                hint="a cascade's branches keep their chunk's shape (stride 1, the same channels)")
            xi = lw.add("add", [outs[-1], xi], NoAttrs(), "add", inner, b.span)
        outs.append(lw.body(b.body, xi, bctx))
    last = lw.add("slice", [x], SliceAttrs((n - 1) * chunk, n * chunk), "slice", inner, st.span)
    if outs[-1].shape[1:] != last.shape[1:]:
        raise SpecError(f"the branches give {shape_text(outs[-1].shape)} maps but the last chunk passes as "
                        f"{shape_text(last.shape)}; concat needs equal sizes", st.span)
    return lw.add("concat", [*outs, last], NoAttrs(), "concat", inner, st.span)
