"""Spec IR → layer graph: blocks expanded, expressions evaluated, shapes inferred, sizes budgeted.

The lowering walks the statements with the flowing tensor ``x``; primitive ops become nodes
(``primitives.py``), combinators and block calls open scopes (``combinators.py``). Every error
carries the span of the statement that caused it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from math import prod
from typing import Any, NamedTuple

from archspec import combinators, ir, primitives
from archspec.errors import BudgetError, SpecError, did_you_mean, shape_text
from archspec.expr import Env, Evaluator, Shape, as_int, bind_names, show
from archspec.graph import Graph, Node, Scope
from archspec.layerops import Attrs, Defaults, get
from archspec.ops import COMBINATORS, OPS, OpSchema, bind
from archspec.scaling import Config

MAX_BLOCK_DEPTH = 32
# The names the lowering binds (besides the knobs and the spec's `let`s), for the reference.
LOCAL_DOCS = {
    "in": "the input's shape: `in.c`, `in.h`, `in.w`; in a block its input, in `stem:` the network's input, in "
          "`head:` and `stage NAME:` the section's input",
    "block_index": "in a stage-table row's arguments: the block's place, 0, 1, … over the blocks of every stage table",
    "num_blocks": "in a stage-table row's arguments: how many blocks all stage tables make (after depth scaling)",
}
_new = tuple.__new__


@dataclass
class Budget:
    """Limits checked while lowering, before anything is allocated."""

    max_nodes: int = 100_000  # ~40 µs and ~2 KB each to build: the limit keeps lowering to seconds
    max_params: int = 20_000_000_000
    max_layer_elements: int = 4_000_000_000  # one layer's output, per sample
    max_activations: int = 50_000_000_000  # all layers' outputs, per sample


class T(NamedTuple):
    """The tensor flowing through the statements: the node that made it and its shape (a named tuple:
    made for every node, so it must be cheap)."""

    node: int
    shape: tuple[int, ...]
    layout: str = "cf"  # "cf": C×H×W (or features); "cl": H×W×C, between `channels_last` and `channels_first`


@dataclass
class Ctx:
    prefix: str  # naming path for new nodes
    scope: int  # structural scope id
    env: Env
    top: bool  # outside any block: literal widths take the width multiplier
    # Inside `scale:`, the shape its gate multiplies: the gate's own convs default to no norm.
    gate: tuple[int, ...] | None = None

    def with_(self, **kw: Any) -> Ctx:
        return Ctx(**{**self.__dict__, **kw})


class Lowerer:
    """Holds the graph under construction; see ``lower()``.

    Primitives (``primitives.py``) and combinators (``combinators.py``) use its interface: ``add`` /
    ``add_at`` (a node), ``alloc`` / ``claim`` (names), ``open_scope`` / ``note`` (the hierarchy),
    ``body`` / ``eval`` (statements and expressions), ``mark`` / ``check_loop`` / ``check_repeats``
    (the budget), ``defaults`` and ``scale_width`` (the spec's settings, read only).
    """

    def __init__(self, spec: ir.Spec, blocks: dict[str, ir.BlockDef], cfg: Config, budget: Budget) -> None:
        self.spec = spec
        self.blocks = blocks
        self.cfg = cfg
        self.budget = budget
        self.ev = Evaluator(cfg.rounding)
        self.nodes: list[Node] = []
        self.scopes: list[Scope] = [Scope(0, "network", "", spec.name, None, spec.name_span)]
        self.counters: dict[str, dict[str, int]] = {}
        self.named: dict[str, set[str]] = {}  # child names given by hand (`group NAME:`), per prefix
        self.stack: list[str] = []  # block calls in progress, for recursion errors
        own = {u.name for u in spec.blocks}
        self.builtin = {n for n, b in blocks.items() if b.span is not None and n not in own}
        self.total_params = 0
        self.total_elements = 0
        self.costs: dict[tuple[Any, ...], tuple[tuple[int, ...], int, int, int]] = {}  # see add_at
        # Statements executed: a loop whose body makes no layer (`repeat 10**5: let a = 1`) must
        # still end, so the work is budgeted too, at a few statements per allowed layer.
        self.steps = 0
        self.max_steps = 4 * budget.max_nodes + 1_000
        self.where: ir.Span | None = None  # the top-level statement being lowered, for stack overflows
        # `shortcut_norm=` written on an `auto` residual outside the prelude: its span → whether any
        # instance made a projection (one that never does is an error once the network is lowered).
        self.sc_norm_used: dict[ir.Span, bool] = {}

    # ---- bookkeeping ----------------------------------------------------------------------

    def alloc(self, prefix: str, base: str) -> str:
        """A fresh child name under ``prefix``: conv1, conv2, ..."""
        counts = self.counters.setdefault(prefix, {})
        taken = self.named.get(prefix, ())
        while True:  # skip a name a `group` took
            counts[base] = counts.get(base, 0) + 1
            name = f"{base}{counts[base]}"
            if name not in taken:
                return f"{prefix}.{name}" if prefix else name

    def claim(self, prefix: str, name: str, span: ir.Span | None) -> str:
        """The child ``name`` under ``prefix``, given by hand; an error if a layer or group has it."""
        taken = self.named.setdefault(prefix, set())
        path = f"{prefix}.{name}" if prefix else name
        if name in taken or any(n.name == path or n.name.startswith(path + ".") for n in self.nodes):
            raise SpecError(f"the name `{name}` is already used here", span, hint="give each group its own name")
        taken.add(name)
        return path

    def open_scope(
        self, kind: str, name: str, label: str, parent: int, span: ir.Span | None, info: dict[str, Any] | None = None
    ) -> int:
        sid = len(self.scopes)
        self.scopes.append(Scope(sid, kind, name, label, parent, span, info or {}))
        self.scopes[parent].children.append(sid)
        return sid

    def note(self, sid: int, **info: Any) -> None:
        """Record resolved facts on a scope (a residual's shortcut kind, a dense block's growth)."""
        self.scopes[sid].info.update(info)

    @functools.cached_property
    def defaults(self) -> Defaults:
        """What an op statement may leave unsaid: the spec's norm, activation, norm eps and momentum."""
        c = self.cfg
        return Defaults(c.act, c.norm, c.norm_eps, c.norm_momentum)

    def scale_width(self, c: int) -> int:
        """A literal width under α and the rounding policy."""
        return self.cfg.scale_width(c)

    def add(self, op: str, inputs: list[T], attrs: Attrs, base: str, ctx: Ctx, span: ir.Span | None,
            layout: str | None = None, out: tuple[int, ...] | None = None) -> T:
        """Append a node of ``op`` named ``base1``, ``base2``, … under the context's prefix."""
        return self.add_at(op, inputs, attrs, self.alloc(ctx.prefix, base), ctx, span, layout, out)

    def add_at(self, op: str, inputs: list[T], attrs: Attrs, name: str, ctx: Ctx, span: ir.Span | None,
               layout: str | None = None, out: tuple[int, ...] | None = None) -> T:
        """Append a node at the path ``name``, its shape, parameters and MACs from the op registry,
        after checking every size against the budget. Its output keeps the first input's layout
        unless ``layout`` says otherwise (a permute); ``out``: the shape, where the caller has it already."""
        b = self.budget
        if len(self.nodes) >= b.max_nodes:
            raise BudgetError(f"the network has more than {b.max_nodes:,} layers", span,
                              hint="raise the budget with --max-layers")
        ins = tuple([t.shape for t in inputs])
        # Shape, parameters and MACs are pure functions of the op, its attributes and its inputs: a block's
        # repeats reuse them.
        key = (op, attrs, ins)
        known = self.costs.get(key)
        if known is None:
            defn = get(op)
            shape = out if out is not None else defn.shape(attrs, list(ins))
            known = self.costs[key] = (shape, defn.params(attrs, ins, shape), defn.macs(attrs, ins, shape), len(self.costs))
        out, params, macs, twin = known
        if min(out) < 1:
            raise SpecError(f"`{op}` leaves an empty output {shape_text(out)}", span)
        elements = prod(out)
        if elements > b.max_layer_elements:
            raise BudgetError(f"`{name}` outputs {elements:,} values per sample, over the budget of "
                              f"{b.max_layer_elements:,} values for one layer", span,
                              hint="raise it with --max-layer-output, or check the input size and widths")
        self.total_params += params
        self.total_elements += elements
        if self.total_params > b.max_params:
            raise BudgetError(f"the network reaches {self.total_params:,} parameters at `{name}`, over the budget of "
                              f"{b.max_params:,}", span, hint="raise the budget with --max-params")
        if self.total_elements > b.max_activations:
            raise BudgetError(f"activations reach {self.total_elements:,} values per sample at `{name}`, over the budget "
                              f"of {b.max_activations:,} values", span, hint="raise the budget with --max-activations")
        node = Node(len(self.nodes), name, op, tuple(t.node for t in inputs), out, attrs, ctx.scope, span, params, macs, twin)
        self.nodes.append(node)
        return _new(T, (node.id, out, layout or (inputs[0].layout if inputs else "cf")))  # T(...) without its __new__

    def step(self, span: ir.Span | None) -> None:
        """Count one statement or block call against the budget."""
        self.steps += 1
        if self.steps > self.max_steps:
            raise BudgetError(f"expanding the network takes more than {self.max_steps:,} steps", span,
                              hint="a loop or block nesting too large; raise the budget with --max-layers")

    def put_first(self, start: int, mid: int, values: list[T]) -> list[T]:
        """Move the nodes from ``mid`` on before those from ``start`` (a residual's shortcut before its
        body, so its weights come first). They must read nothing made in between; ``values`` are
        returned with their node ids moved too."""
        moved, rest = self.nodes[mid:], self.nodes[start:mid]
        inside = {n.id for n in rest}
        assert not any(i in inside for n in moved for i in n.inputs), "moved nodes read the nodes they pass"
        remap = {n.id: start + i for i, n in enumerate(moved + rest)}
        for n in moved + rest:
            n.id = remap[n.id]
            n.inputs = tuple(remap.get(i, i) for i in n.inputs)
        self.nodes[start:] = moved + rest
        return [T(remap.get(t.node, t.node), t.shape, t.layout) for t in values]

    def mark(self) -> tuple[int, int]:
        """Where the lowering stands (nodes, steps): take one before a repetition, for ``check_loop``."""
        return len(self.nodes), self.steps

    def check_repeats(self, n: int, span: ir.Span | None) -> None:
        """Refuse a repeat count that alone is over the layer budget."""
        if n > self.budget.max_nodes:
            raise BudgetError(f"{n:,} repeats is over the budget of {self.budget.max_nodes:,} layers", span,
                              hint="raise the budget with --max-layers")

    def check_loop(self, n: int, done: int, mark: tuple[int, int], span: ir.Span | None) -> None:
        """After ``done`` of ``n`` repetitions, refuse at once if repeating the last would pass the budget.

        The last repetition stands for the rest (the first of a stage may carry a stride or a
        projection the others do not), so nothing past the budget is ever built.
        """
        left = n - done
        nodes, steps = len(self.nodes) - mark[0], self.steps - mark[1]
        if len(self.nodes) + nodes * left > self.budget.max_nodes:
            raise BudgetError(f"the network has more than {self.budget.max_nodes:,} layers ({n:,} repeats of {nodes:,})", span,
                              hint="raise the budget with --max-layers")
        if self.steps + steps * left > self.max_steps:
            raise BudgetError(f"expanding the network takes more than {self.max_steps:,} steps ({n:,} repeats of {steps:,})",
                              span, hint="raise the budget with --max-layers")

    def eval(self, e: Any, env: Env) -> Any:
        return self.ev.eval(e, env)

    # ---- the network ----------------------------------------------------------------------

    def run(self) -> Graph:
        x = T(-1, self.cfg.input)
        if min(x.shape) < 1:
            raise SpecError(f"the input {shape_text(x.shape)} is empty", self.spec.input_span)
        if prod(x.shape) > self.budget.max_layer_elements:
            raise BudgetError(f"the input {shape_text(x.shape)} is over the budget of "
                              f"{self.budget.max_layer_elements:,} values for one layer", self.spec.input_span,
                              hint="raise it with --max-layer-output, or check the input size")
        env = self.cfg.globals
        stage_no = 0
        # Each stage-table row with the environment it is read in (a generated row: one per item).
        rows = {id(p): [(r, e) for r in p.rows for e in self._row_envs(r, env)]
                for p in self.spec.parts if isinstance(p, ir.Stages)}
        total = sum(self._row_repeats(p, r, e) for p in self.spec.parts if isinstance(p, ir.Stages) for r, e in rows[id(p)]
                    if _op_row(r) is None)
        index = [0]
        op_rows: dict[str, int] = {}
        for part in self.spec.parts:
            if isinstance(part, ir.Section):
                name = part.name
                if name not in ("stem", "head"):
                    stage_no += 1
                sid = self.open_scope("stage", name, name, 0, part.span)
                local = {"in": Shape(*x.shape)} if len(x.shape) == 3 else {}  # a section's `in` is its input
                first = len(self.nodes)
                x = self.body(part.body, x, Ctx(name, sid, env.child(local), True))
                self.scopes[sid].info.update(self._section_info(sid, first))
            else:
                for row, row_env in rows[id(part)]:
                    op = _op_row(row)
                    if op is not None:  # a pool (or any op) between the stages: a stage of its own, `maxpool1`
                        op_rows[op] = op_rows.get(op, 0) + 1
                        x = self.op_row(row, op, f"{op}{op_rows[op]}", x, row_env)
                        continue
                    stage_no += 1
                    x = self.stage_row(part, row, f"stage{stage_no}", x, row_env, index, total)
        unused = [sp for sp, used in self.sc_norm_used.items() if not used]
        if unused:
            raise SpecError("`shortcut_norm=` has no effect: this residual's shapes match wherever it runs, so its "
                            "`auto` shortcut is always the identity and never has a projection to normalise", unused[0],
                            hint="remove `shortcut_norm=`, or use shortcut=projection")
        if not self.nodes:
            first = ir.Span(line=1, col=1, end_line=1, end_col=2)  # a file of blocks only has no `network` line
            raise SpecError("the network has no layers", self.spec.name_span or first,
                            hint="add a `stem:`, `stages` or `head:` section")
        return Graph(self.spec.name, self.cfg.input, self.nodes, self.scopes, x.node)

    def _section_info(self, sid: int, first: int) -> dict[str, Any]:
        """What a stem/head/stage section resolved to: its own layers' widths and its block calls."""
        widths = [n.out[0] for n in self.nodes[first:] if n.scope == sid and n.kind in ("conv", "linear")]
        calls = [self._call_summary(self.scopes[c]) for c in self.scopes[sid].children if self.scopes[c].kind == "block"]
        info: dict[str, Any] = {}
        if widths:
            info["widths"] = widths
        if calls:
            info["blocks"] = ", ".join(calls)
        return info

    def _call_summary(self, scope: Scope) -> str:
        """``inception(64 96 128 16 32 32 k_big=3)``: a block call with its resolved arguments."""
        bdef = self.blocks[scope.label]
        words = [f"{scope.info[p.name]:g}" if p.width else f"{p.name}={_short(scope.info[p.name])}"
                 for p in bdef.params if p.name in scope.info]
        return f"{scope.label}({' '.join(words)})"

    def _row_envs(self, row: ir.Row, env: Env) -> list[Env]:
        """The environments a row is read in: the spec's own, or for ``for NAMES in LIST:`` one per item."""
        if row.each is None:
            return [env]
        items = self.eval(row.each, env)
        if not isinstance(items, tuple):
            raise SpecError(f"a generated row goes through a list, got `{show(items)}`", row.each.span,
                            hint="e.g. `for w, n in runs(widths): c=w x=n s2`")
        if not items:
            raise SpecError("this generated row makes no stages: its list is empty", row.each.span)
        if len(items) > self.budget.max_nodes:
            raise BudgetError(f"{len(items):,} generated stages is over the budget of {self.budget.max_nodes:,} layers",
                              row.each.span)
        return [env.child(bind_names(row.names, item, row.each.span)) for item in items]

    def _row_repeats(self, part: ir.Stages, row: ir.Row, env: Env) -> int:
        for a in row.args:
            if a.key == "x":
                n = as_int(self.eval(a.value, env), a.span, env, "repeat count")
                self.check_repeats(n, a.span)
                n = self.cfg.scale_depth(n)
                if n > self.budget.max_nodes:
                    raise BudgetError(f"{n:,} repeats (depth-scaled) is over the budget of {self.budget.max_nodes:,} layers",
                                      a.span)
                return n
        return 1

    def stage_row(self, part: ir.Stages, row: ir.Row, name: str, x: T, outer: Env, index: list[int], total: int) -> T:
        bdef = self.block_def(part.block, part.block_span or part.span)
        n = self._row_repeats(part, row, outer)
        sid = self.open_scope("stage", name, name, 0, row.span, {"block": bdef.name, "repeats": n})
        ctx = Ctx(name, sid, outer, False)
        self.where = row.span
        for i in range(n):
            before = self.mark()
            # Arguments are bound per block, so they may use `block_index` / `num_blocks`
            # (EfficientNet's stochastic depth grows linearly with the block's index): in an
            # environment of the row's own, so the spec's globals are never changed.
            env = outer.child({"block_index": index[0], "num_blocks": total})
            row_args = [a for a in row.args if a.key != "x"]
            base = self.bind_block(bdef, part.args, env, part.span, allow_positional=True)
            given = self.bind_block(bdef, row_args, env, row.span, allow_positional=True)
            base, given = self.scale_widths(bdef, part.args, base, env), self.scale_widths(bdef, row_args, given, env)
            args = {**base, **given}
            if i == 0:
                self.scopes[sid].info.update({k: v for k, (v, _) in args.items() if isinstance(v, (int, float, str))})
            elif "s" in args:
                args["s"] = (1, args["s"][1])
            x = self.call_block(bdef, args, x, ctx, row.span, f"{name}.{i}")
            if i == 0:  # the widths the first block computed (expanded, squeeze) belong to the row too
                for k, v in self.scopes[self.scopes[sid].children[0]].info.items():
                    self.scopes[sid].info.setdefault(k, v)
            index[0] += 1
            if i == 1:
                self.check_loop(n, 2, before, row.span)
        return x

    def op_row(self, row: ir.Row, op: str, name: str, x: T, env: Env) -> T:
        """A stage-table row that is an op statement (SqueezeNet's max-pools between its fire modules)."""
        sid = self.open_scope("stage", name, name, 0, row.span)
        call = ir.Call(name=op, args=row.args[1:], span=row.span)
        first = len(self.nodes)
        self.where = row.span
        x = self.stmt(call, x, Ctx(name, sid, env.child({"in": Shape(*x.shape)} if len(x.shape) == 3 else {}), False))
        self.note(sid, **self._section_info(sid, first), op=op)
        return x

    def _enclosing_block(self, scope: int) -> int | None:
        """The innermost block scope at or above ``scope``, if any before the stage."""
        s: Scope | None = self.scopes[scope]
        while s is not None and s.kind not in ("stage", "network"):
            if s.kind == "block":
                return s.id
            s = self.scopes[s.parent] if s.parent is not None else None
        return None

    # ---- statements -----------------------------------------------------------------------

    def body(self, stmts: list[Any], x: T, ctx: Ctx) -> T:
        for st in stmts:
            x = self.stmt(st, x, ctx)
        return x

    def stmt(self, st: Any, x: T, ctx: Ctx) -> T:
        self.step(st.span)
        if not self.stack:
            self.where = st.span
        kind = st.kind
        if kind == "let":
            ctx.env.values[st.name] = self.eval(st.value, ctx.env)
            return x
        if kind == "if":
            for br in st.branches:
                if br.test is None or self.ev.truth(self.eval(br.test, ctx.env), br.test.span, ctx.env):
                    return self.body(br.body, x, ctx)
            return x
        if kind == "call":
            if st.name in OPS:
                return primitives.lower_op(self, st, x, ctx)
            if st.name in self.blocks:
                bdef = self.blocks[st.name]
                args = self.bind_block(bdef, st.args, ctx.env, st.span, allow_positional=True)
                if ctx.top:  # a block called in a stem/head/stage section: its literal widths take α
                    args = self.scale_widths(bdef, st.args, args, ctx.env)
                return self.call_block(bdef, args, x, ctx, st.span, self.alloc(ctx.prefix, bdef.name))
            if st.name in COMBINATORS:
                raise SpecError(f"`{st.name}` needs a body", st.span, hint=f"write `{st.name}:` and indent its statements below")
            raise self.unknown(st.name, st.span)
        if kind == "compound":
            if st.name in COMBINATORS:
                return combinators.lower(self, st, x, ctx)
            if st.name in OPS or st.name in self.blocks:
                raise SpecError(f"`{st.name}` takes no indented body", st.span, hint="remove the `:`")
            raise self.unknown(st.name, st.span)
        raise SpecError(f"unsupported statement `{kind}`", getattr(st, "span", None))

    def unknown(self, name: str, span: ir.Span | None) -> SpecError:
        words = set(OPS) | set(self.blocks) | set(COMBINATORS)
        return SpecError(f"unknown op or block `{name}`", _word_span(span, name), hint=did_you_mean(name, words))

    # ---- blocks ---------------------------------------------------------------------------

    def block_def(self, name: str, span: ir.Span | None) -> ir.BlockDef:
        if name not in self.blocks:
            known = "the blocks: " + ", ".join(sorted(self.blocks)) + "; or define one with `block NAME(...):`"
            guess = did_you_mean(name, self.blocks)
            raise SpecError(f"unknown block `{name}`", span, hint=f"{guess} {known}" if guess else known)
        return self.blocks[name]

    def bind_block(
        self, bdef: ir.BlockDef, args: list[ir.Arg], env: Env, span: ir.Span | None, *, allow_positional: bool
    ) -> dict[str, tuple[Any, ir.Span | None]]:
        pnames = tuple(p.name for p in bdef.params)
        schema = OpSchema(positional=pnames, keys=pnames)
        return bind(bdef.name, schema, list(args), lambda e: self.eval(e, env), span)

    def scale_widths(self, bdef: ir.BlockDef, written: list[ir.Arg], args: dict[str, tuple[Any, ir.Span | None]],
                     env: Env) -> dict[str, tuple[Any, ir.Span | None]]:
        """α (and φ's width) on the width parameters (`c`, `name: width`) written as plain numbers."""
        pnames = [p.name for p in bdef.params]
        for p in bdef.params:
            if p.width and p.name in args and literal_arg(written, pnames, p.name):
                v, s = args[p.name]
                args[p.name] = (self.cfg.scale_width(as_int(v, s, env, "width")), s)
        return args

    def call_block(
        self, bdef: ir.BlockDef, args: dict[str, tuple[Any, ir.Span | None]], x: T, ctx: Ctx, span: ir.Span | None, name: str
    ) -> T:
        if bdef.name in self.stack:
            chain = " → ".join([*self.stack[self.stack.index(bdef.name):], bdef.name])
            raise SpecError(f"block `{bdef.name}` calls itself ({chain})", span, hint="blocks cannot be recursive")
        if len(self.stack) >= MAX_BLOCK_DEPTH:
            raise SpecError(f"blocks nested more than {MAX_BLOCK_DEPTH} deep", span)
        self.step(span)
        if len(x.shape) != 3:
            raise SpecError(f"block `{bdef.name}` needs a C×H×W input, got {shape_text(x.shape)}", span)
        env = self.cfg.globals.child({"in": Shape(*x.shape)})
        for p in bdef.params:
            if p.name in args:
                env.values[p.name] = args[p.name][0]
            elif p.default is not None:
                env.values[p.name] = self.eval(p.default, env)
            else:
                raise SpecError(
                    f"block `{bdef.name}` needs `{p.name}`",
                    span,
                    hint=f"`{bdef.name}` takes ({', '.join(q.name for q in bdef.params)})",
                )
        info = {p.name: env.values[p.name] for p in bdef.params if isinstance(env.values[p.name], (int, float, str))}
        sid = self.open_scope("block", name, bdef.name, ctx.scope, span, info)
        self.stack.append(bdef.name)
        try:
            y = self.body(bdef.body, x, Ctx(name, sid, env, False))
            # Widths the block computed with `let` (an expanded or a squeeze width) are resolved
            # config too: the analysis prints them beside the arguments, and an enclosing block
            # shows a nested one's as `se.squeeze`.
            computed = {k: v for k, v in env.values.items()
                        if k not in info and k != "in" and isinstance(v, (int, float)) and not isinstance(v, bool)}
            self.scopes[sid].info.update(computed)
            outer = self._enclosing_block(ctx.scope)
            if outer is not None:
                for k, v in computed.items():
                    self.scopes[outer].info.setdefault(f"{bdef.name}.{k}", v)
            return y
        except SpecError as err:
            if bdef.name in self.builtin and span is not None:
                # The culprit is in the prelude; point at the user's call and say where inside.
                if err.span is not None and not getattr(err, "in_builtin", False):
                    err.message += f" (inside built-in block `{bdef.name}`, prelude.arch:{err.span.line})"
                    err.in_builtin = True  # type: ignore[attr-defined]
                err.span = span
            raise
        finally:
            self.stack.pop()


def _op_row(row: ir.Row) -> str | None:
    """The op a stage-table row states (its first word is an op: `maxpool k3 s2 ceil`), if it is one."""
    first = row.args[0] if row.args else None
    if first is not None and first.key is None and isinstance(first.value, ir.Name) and first.value.id in OPS:
        return first.value.id
    return None


def _short(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def literal_arg(args: list[ir.Arg], pnames: list[str], key: str) -> bool:
    """Whether the argument for ``key`` is written as a plain number (so α applies to it)."""
    pos = 0
    for a in args:
        k = a.key
        if k is None:
            k = pnames[pos] if pos < len(pnames) else None
            pos += 1
        if k == key:
            return is_literal(a.value)
    return False


def is_literal(e: Any) -> bool:
    """An expression with no names in it: ``64``, ``64*4``."""
    if e.kind == "num":
        return True
    if e.kind == "binop":
        return is_literal(e.left) and is_literal(e.right)
    if e.kind == "unary":
        return is_literal(e.operand)
    return False


def _word_span(span: ir.Span | None, word: str) -> ir.Span | None:
    if span is None:
        return None
    return ir.Span(line=span.line, col=span.col, end_line=span.line, end_col=span.col + len(word))


def lower(spec: ir.Spec, blocks: dict[str, ir.BlockDef], cfg: Config, budget: Budget | None = None) -> Graph:
    """Expand a spec into its layer graph."""
    lw = Lowerer(spec, blocks, cfg, budget or Budget())
    try:
        return lw.run()
    except RecursionError:
        # Blocks and combinators nested deeper than Python's stack: point at the statement
        # (outside any block) whose expansion went that deep.
        raise SpecError("the spec nests too deeply to expand", lw.where or spec.name_span) from None
