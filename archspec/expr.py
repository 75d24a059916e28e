"""Safe evaluation of spec expressions: numbers, names, ``in.c``, arithmetic and a few builtins.

Specs are data: expressions are walked node by node here, never handed to ``eval``. Every value is
bounded so an expression cannot hang or allocate (``2**10**9`` is an error, not a big integer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from archspec import ir
from archspec.errors import SpecError, did_you_mean

MAX_MAGNITUDE = 10**15  # no size in a CNN comes near this; beyond it arithmetic is refused
MAX_LIST = 10_000  # items in a list value (`range`, a comprehension): generators stay small and fast


class Sym(str):
    """A bare word that names no variable: a vocabulary word (``relu``, ``auto``) or a typo."""

    span: ir.Span | None = None


@dataclass(frozen=True, slots=True)
class Shape:
    """The value of ``in``: a tensor shape (channels, height, width)."""

    c: int
    h: int
    w: int


ROUNDING_MODES = ("round", "floor", "ceil")


@dataclass(frozen=True, slots=True)
class Rounding:
    """The spec's channel rounding policy (``round: divisor=8 min=8 guard=0.9 mode=round``)."""

    divisor: int = 1
    min: int | None = None
    guard: float = 0.0
    mode: str = "round"  # round | floor | ceil
    depth: str = "ceil"  # how scaled repeat counts are rounded

    def divisible(self, v: float, divisor: int | None = None) -> int:
        """Round ``v`` to a multiple of the divisor (torchvision's ``_make_divisible`` with mode=round)."""
        d = divisor or self.divisor
        low = self.min if self.min is not None else d
        if self.mode == "floor":
            new = int(v) // d * d
        elif self.mode == "ceil":
            new = -(-int(math.ceil(v)) // d) * d
        else:
            new = int(v + d / 2) // d * d
        new = max(low, new)
        if self.guard and new < self.guard * v:
            new += d
        return new

    def repeats(self, n: float) -> int:
        if self.depth == "floor":
            return int(math.floor(n))
        if self.depth == "round":
            return int(round(n))
        return int(math.ceil(n))


class Env:
    """Variables in scope: a chain of dicts, innermost first."""

    def __init__(self, values: dict[str, Any] | None = None, parent: Env | None = None) -> None:
        self.values = values or {}
        self.parent = parent

    def get(self, name: str) -> Any:
        env: Env | None = self
        while env is not None:
            if name in env.values:
                return env.values[name]
            env = env.parent
        raise KeyError(name)

    def names(self) -> set[str]:
        out: set[str] = set()
        env: Env | None = self
        while env is not None:
            out.update(env.values)
            env = env.parent
        return out

    def child(self, values: dict[str, Any] | None = None) -> Env:
        return Env(values or {}, self)


def _check(v: Any, span: ir.Span | None) -> Any:
    if isinstance(v, bool) or isinstance(v, Sym):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise SpecError("expression is not a finite number", span)
        if abs(v) > MAX_MAGNITUDE:
            raise SpecError(f"number {v:.3g} is too large", span, hint=f"sizes are limited to {MAX_MAGNITUDE:.0e}")
    if isinstance(v, int) and abs(v) > MAX_MAGNITUDE:
        raise SpecError("number is too large", span, hint=f"sizes are limited to {MAX_MAGNITUDE:.0e}")
    return v


def _num(v: Any, span: ir.Span | None, env: Env, what: str = "a number") -> int | float:
    if isinstance(v, Sym):
        raise undefined(v, v.span or span, env)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError(f"expected {what}, got `{show(v)}`", span)
    return v


def undefined(name: str, span: ir.Span | None, env: Env) -> SpecError:
    """The error for a word that names nothing."""
    return SpecError(f"undefined name `{name}`", span, hint=did_you_mean(name, env.names() | set(FUNCTIONS)))


# Shorthand letters (`s2`, `k3`, ...) and what they set, for the hint on `s-2`.
_SHORTHANDS = {"s": "stride", "k": "kernel size", "p": "padding", "d": "dilation", "g": "groups", "x": "repeat count",
               "c": "width", "e": "expansion"}


def _shorthand_minus(name: str, e: ir.BinOp, env: Env) -> SpecError:
    """``s-2``: an undefined one-letter name minus a number is a shorthand with a sign in it."""
    err = undefined(name, e.span, env)
    value = e.right.value  # type: ignore[union-attr]
    if len(name) == 1 and name in _SHORTHANDS:
        what = _SHORTHANDS[name]
        err.hint = (f"`{name}-{value}` reads as `{name}` minus {value}; did you mean `{name}{value}` or "
                    f"`{name}={-value}`? (a {what} is at least 1)")
    elif err.hint is None:
        err.hint = f"`{name}-{value}` reads as `{name}` minus {value}; did you mean `{name}={-value}`?"
    return err


def _div(a: float, b: float, span: ir.Span | None) -> float:
    if b == 0:
        raise SpecError("division by zero", span)
    return a / b


def _floordiv(a: float, b: float, span: ir.Span | None) -> Any:
    if b == 0:
        raise SpecError("division by zero", span)
    return a // b


def _mod(a: float, b: float, span: ir.Span | None) -> Any:
    if b == 0:
        raise SpecError("modulo by zero", span)
    return a % b


def _pow(a: float, b: float, span: ir.Span | None) -> Any:
    if abs(b) > 64 or (abs(a) > 1 and abs(b) * math.log2(abs(a)) > 60):
        raise SpecError("power is too large", span)
    if a == 0 and b < 0:
        raise SpecError("zero to a negative power", span)
    return a**b


_ARITH: dict[str, Callable[[Any, Any, ir.Span | None], Any]] = {
    "+": lambda a, b, s: a + b,
    "-": lambda a, b, s: a - b,
    "*": lambda a, b, s: a * b,
    "/": _div,
    "//": _floordiv,
    "%": _mod,
    "**": _pow,
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}

# The builtins: name -> (signature, what it gives). Docs for the reference, in the order hints list them.
FUNCTION_DOCS = {
    "floor": ("floor(x)", "the largest whole number ≤ x"),
    "ceil": ("ceil(x)", "the smallest whole number ≥ x"),
    "round": ("round(x)", "the nearest whole number, halves to even (Python's `round`, as torchvision's `int(round(x))`)"),
    "int": ("int(x)", "x truncated toward zero"),
    "min": ("min(a, b, ...)", "the smallest of its arguments"),
    "max": ("max(a, b, ...)", "the largest of its arguments"),
    "abs": ("abs(x)", "the absolute value"),
    "divisible": ("divisible(v[, d])", "v rounded by the spec's `round:` policy (to a multiple of d when given)"),
    "sqrt": ("sqrt(x)", "the square root (x ≥ 0)"),
    "fixed": ("fixed(x)", "x itself, as a width α leaves alone: `conv fixed(1280) k1`"),
    "log": ("log(x)", "the natural logarithm (x > 0)"),
    "range": ("range(n) / range(a, b)", "the list [0, 1, …, n−1] / [a, …, b−1]"),
    "len": ("len(xs)", "the number of items of a list"),
    "runs": ("runs(xs)", "consecutive equal items as [item, count] pairs: runs([8, 8, 16]) is [[8, 2], [16, 1]]"),
}
FUNCTIONS = tuple(FUNCTION_DOCS)
_LIST_FUNCTIONS = frozenset({"len", "runs"})  # functions of a list


def show(v: Any) -> str:
    """A value as the language writes it: ``[64, 128]``, ``true``, ``0.25``."""
    if isinstance(v, tuple):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _list(v: Any, span: ir.Span | None, env: Env, what: str = "a list") -> tuple[Any, ...]:
    if isinstance(v, Sym):
        raise undefined(v, v.span or span, env)
    if not isinstance(v, tuple):
        raise SpecError(f"expected {what}, got `{show(v)}`", span, hint="lists are written `[a, b, c]`")
    return v


def _sized(items: list[Any], span: ir.Span | None) -> tuple[Any, ...]:
    if len(items) > MAX_LIST:
        raise SpecError(f"a list of more than {MAX_LIST:,} items", span, hint="generators make at most a few hundred rows")
    return tuple(items)


class Evaluator:
    """Evaluates IR expressions in an environment, with the spec's rounding policy for ``divisible``."""

    def __init__(self, rounding: Rounding) -> None:
        self.rounding = rounding

    def eval(self, e: Any, env: Env) -> Any:
        kind = e.kind
        if kind == "num":
            return _check(e.value, e.span)
        if kind == "str":
            return e.value
        if kind == "name":
            if e.id in ("true", "false"):
                try:
                    return env.get(e.id)
                except KeyError:
                    return e.id == "true"
            try:
                return env.get(e.id)
            except KeyError:
                s = Sym(e.id)
                s.span = e.span
                return s
        if kind == "attr":
            try:
                obj = env.get(e.obj)
            except KeyError:
                raise undefined(e.obj, e.span, env) from None
            if isinstance(obj, Shape) and e.attr in ("c", "h", "w"):
                return getattr(obj, e.attr)
            raise SpecError(f"`{e.obj}` has no attribute `{e.attr}`", e.span,
                            hint="the block input has `in.c`, `in.h` and `in.w`" if isinstance(obj, Shape) else None)
        if kind == "binop":
            return self._binop(e, env)
        if kind == "unary":
            v = self.eval(e.operand, env)
            if e.op == "not":
                return not self.truth(v, e.operand.span, env)
            v = _num(v, e.operand.span, env)
            return -v if e.op == "-" else v
        if kind == "cond":
            return self.eval(e.body if self.truth(self.eval(e.test, env), e.test.span, env) else e.orelse, env)
        if kind == "func":
            return self._func(e, env)
        if kind == "list":
            return _sized([self.eval(x, env) for x in e.items], e.span)
        if kind == "comp":
            return self._comp(e, env)
        if kind == "index":
            xs = _list(self.eval(e.obj, env), e.obj.span, env, "a list to index")
            i = self.eval(e.index, env)
            if isinstance(i, bool) or not isinstance(i, int):
                raise SpecError(f"a list index is a whole number, got `{show(i)}`", e.index.span)
            if not -len(xs) <= i < len(xs):
                raise SpecError(f"index {i} is outside the list of {len(xs)} item(s)", e.index.span)
            return xs[i]
        raise SpecError(f"unsupported expression `{kind}`", getattr(e, "span", None))

    def _comp(self, e: ir.Comp, env: Env) -> tuple[Any, ...]:
        """``[expr for a, b in items]``: each item bound in a scope of its own (unpacked for several names)."""
        items = _list(self.eval(e.iter, env), e.iter.span, env, "a list to go through")
        out = []
        for item in items:
            out.append(self.eval(e.expr, env.child(bind_names(e.names, item, e.iter.span))))
        return _sized(out, e.span)

    def truth(self, v: Any, span: ir.Span | None, env: Env) -> bool:
        if isinstance(v, Sym):
            raise undefined(v, span, env)
        return bool(v)

    def _binop(self, e: ir.BinOp, env: Env) -> Any:
        if e.op in ("and", "or"):
            left = self.truth(self.eval(e.left, env), e.left.span, env)
            if (e.op == "and") != left:
                return left
            return self.truth(self.eval(e.right, env), e.right.span, env)
        a, b = self.eval(e.left, env), self.eval(e.right, env)
        if e.op in _COMPARE:
            if isinstance(a, Sym) and not isinstance(b, (int, float)) or isinstance(b, Sym) and not isinstance(a, (int, float)):
                return _COMPARE[e.op](str(a), str(b)) if e.op in ("==", "!=") else self._bad_compare(e)
            return _COMPARE[e.op](_num(a, e.left.span, env), _num(b, e.right.span, env))
        if isinstance(a, Sym) and e.op == "-" and isinstance(e.right, ir.Num):
            raise _shorthand_minus(a, e, env)
        a, b = _num(a, e.left.span, env), _num(b, e.right.span, env)
        return _check(_ARITH[e.op](a, b, e.span), e.span)

    def _bad_compare(self, e: ir.BinOp) -> bool:
        raise SpecError(f"`{e.op}` compares numbers", e.span)

    def _func(self, e: ir.Func, env: Env) -> Any:
        fn = e.fn
        if fn not in FUNCTIONS:
            raise SpecError(
                f"unknown function `{fn}`", e.span, hint=did_you_mean(fn, FUNCTIONS) or "functions: " + ", ".join(FUNCTIONS)
            )
        if fn in _LIST_FUNCTIONS:
            if len(e.args) != 1:
                raise SpecError(f"`{fn}` takes 1 argument(s), got {len(e.args)}", e.span)
            xs = _list(self.eval(e.args[0], env), e.args[0].span, env)
            if fn == "len":
                return len(xs)
            runs: list[list[Any]] = []  # consecutive equal items as [item, count]
            for x in xs:
                if runs and runs[-1][0] == x:
                    runs[-1][1] += 1
                else:
                    runs.append([x, 1])
            return tuple(tuple(r) for r in runs)
        args = [_num(self.eval(a, env), a.span, env) for a in e.args]
        arity = {"min": (1, 99), "max": (1, 99), "divisible": (1, 2), "round": (1, 1), "range": (1, 2)}.get(fn, (1, 1))
        if not arity[0] <= len(args) <= arity[1]:
            raise SpecError(
                f"`{fn}` takes {arity[0]}"
                + (f" to {arity[1]}" if arity[1] != arity[0] else "")
                + f" argument(s), got {len(args)}",
                e.span,
            )
        if fn == "range":
            lo, hi = (0, args[0]) if len(args) == 1 else (args[0], args[1])
            if not all(isinstance(v, int) for v in (lo, hi)):
                raise SpecError("`range` counts whole numbers", e.span)
            if hi - lo > MAX_LIST:
                raise SpecError(f"a range of more than {MAX_LIST:,} items", e.span)
            return tuple(range(lo, hi))
        if fn == "log":
            if args[0] <= 0:
                raise SpecError("the logarithm of a number that is not positive", e.span)
            return math.log(args[0])
        if fn == "fixed":
            return args[0]  # a width written through a function is not a literal: α leaves it as it is
        if fn == "floor":
            return math.floor(args[0])
        if fn == "ceil":
            return math.ceil(args[0])
        if fn == "round":
            return int(round(args[0]))  # Python's rounding, as torchvision's `int(round(...))`
        if fn == "int":
            return int(args[0])
        if fn == "min":
            return min(args)
        if fn == "max":
            return max(args)
        if fn == "abs":
            return abs(args[0])
        if fn == "sqrt":
            if args[0] < 0:
                raise SpecError("square root of a negative number", e.span)
            return math.sqrt(args[0])
        divisor = int(args[1]) if len(args) > 1 else None
        if divisor is not None and divisor <= 0:
            raise SpecError("divisor must be positive", e.span)
        return self.rounding.divisible(args[0], divisor)


def as_int(v: Any, span: ir.Span | None, env: Env, what: str, *, minimum: int = 1) -> int:
    """A whole number ≥ minimum, or a located error saying what was wanted."""
    v = _num(v, span, env, what)
    if isinstance(v, float):
        if not v.is_integer():
            raise SpecError(f"{what} must be a whole number, got {v:g}", span, hint="use floor(), ceil(), round() or divisible()")
        v = int(v)
    if v < minimum:
        raise SpecError(f"{what} must be at least {minimum}, got {v}", span)
    return v


def as_float(v: Any, span: ir.Span | None, env: Env, what: str, lo: float = 0.0, hi: float | None = None) -> float:
    v = float(_num(v, span, env, what))
    if v < lo or (hi is not None and v > hi):
        raise SpecError(
            f"{what} must be between {lo:g} and {hi:g}, got {v:g}"
            if hi is not None
            else f"{what} must be at least {lo:g}, got {v:g}",
            span,
        )
    return v


def as_bool(v: Any, span: ir.Span | None, env: Env, what: str) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, Sym) and v in ("true", "false", "yes", "no"):
        return v in ("true", "yes")
    raise SpecError(f"{what} must be true or false, got `{v}`", span)


def as_word(v: Any, span: ir.Span | None, what: str, choices: Mapping[str, Any] | tuple[str, ...]) -> str:
    """One word of a closed vocabulary (an activation, a shortcut kind), with a did-you-mean hint."""
    if isinstance(v, str) and v in choices:
        return str(v)
    return _bad_word(v, span, what, tuple(choices))


def _bad_word(v: Any, span: ir.Span | None, what: str, choices: tuple[str, ...]) -> str:
    hint = did_you_mean(str(v), choices) if isinstance(v, str) else None
    raise SpecError(f"unknown {what} `{v}`", span, hint=hint or f"{what} is one of: {', '.join(choices)}")


def bind_names(names: list[str], item: Any, span: ir.Span | None) -> dict[str, Any]:
    """The names of a ``for`` bound to one item: the item itself, or its parts for several names."""
    if len(names) == 1:
        return {names[0]: item}
    if not isinstance(item, tuple) or len(item) != len(names):
        raise SpecError(f"cannot unpack `{show(item)}` into {len(names)} names ({', '.join(names)})", span,
                        hint=f"each item must be a list of {len(names)}")
    return dict(zip(names, item, strict=True))
