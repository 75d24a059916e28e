"""What every layer-graph op defines: the ``OpDef`` interface, the ``Op`` view the rules read, and
``Unsupported``, the one error a backend or convention raises for an op it cannot handle.

An op is one subclass of ``OpDef`` in a module named for it (``layerops/conv.py``). Everything
archspec knows about the op lives there: its typed attributes, kind, parameters and MACs, what each
counting convention counts for it, what it keeps for backward, the torch module or function it
becomes, the Python source it emits, how ``archspec expand`` writes it and how diagrams label it.
Torch is imported inside the torch facets only, so analysis stays torch-free.

A facet an op genuinely lacks is declared in ``unsupported`` (facet → reason); using it there raises
``Unsupported``, a located ``SpecError`` naming the op and the backend. ``missing()`` lists the
facets an op neither implements nor declares unsupported: the completeness test runs it on every op.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from archspec.errors import SpecError

if TYPE_CHECKING:
    from archspec.graph import Node
    from archspec.ir import Span

Shape = tuple[int, ...]
Items = list[tuple[str, int]]
Rule = Callable[["Op"], Items]

# The counting conventions every op states a rule for (``archspec.conventions`` describes each tool).
CONVENTION_NAMES = ("macs", "flops", "fvcore", "torch", "calflops", "calflops_flops", "torchinfo", "ptflops", "thop")
# Kinds of ops, for colouring, summaries and the per-kind totals of the conventions.
KINDS = ("conv", "linear", "norm", "act", "pool", "merge", "reshape", "reg")
# Facets a backend dispatches to; an op implements each or names it in ``unsupported``.
FACETS = ("torch", "python", "expand", "label")


# An op's typed attributes: a NamedTuple per op (``ConvAttrs(in_c, out_c, k, …)``), cheap to make for
# every node; ``._asdict()`` gives them as a dict (the layer graph's JSON).
Attrs = tuple


class NoAttrs(NamedTuple):
    """An op with no attributes (add, concat, mul, flatten)."""


class Op(NamedTuple):
    """One node as the rules see it: its definition, attributes, input shapes, output shape (no batch) and
    multiply-accumulates (the op's ``macs``, computed once when the node was made)."""

    defn: Any  # OpDef
    attrs: Any
    ins: tuple[Shape, ...]
    out: Shape
    macs: int = 0

    @property
    def name(self) -> str:
        return self.defn.name

    @property
    def n_in(self) -> int:
        """Elements of the first input."""
        return prod(self.ins[0]) if self.ins else 0

    @property
    def n_out(self) -> int:
        """Elements of the output."""
        return prod(self.out)

    @staticmethod
    def of(node: Node, shapes: dict[int, Shape]) -> Op:
        return Op(_REGISTRY[node.op], node.attrs, tuple([shapes[i] for i in node.inputs]), node.out, node.macs)


class Unsupported(SpecError):
    """An op a backend or convention cannot handle: one located error naming both (never a silent 0)."""

    def __init__(self, op: str, where: str, reason: str, span: Span | None = None) -> None:
        super().__init__(f"`{op}` is not supported by {where}: {reason}", span)
        self.op, self.where, self.reason = op, where, reason


def nothing(o: Op) -> Items:
    """The rule of a convention that counts nothing for an op (said on purpose, not by omission)."""
    return []


class OpDef:
    """One layer-graph op. Subclasses set the class attributes and implement the facets they support."""

    name: ClassVar[str]
    kind: ClassVar[str]
    Attrs: ClassVar[type[Attrs]] = NoAttrs
    # A layer registered as a torch submodule (``False``: a function call in ``forward``, e.g. ``+``).
    module: ClassVar[bool] = True
    # Makes a fresh tensor whose backward does not read it, so the next op may overwrite it in place.
    fresh: ClassVar[bool] = False
    # A function op that may write its result into its first operand (``+=``); commutative, so the
    # torch backend may put an overwritable operand first.
    accumulates: ClassVar[bool] = False
    # Hands its input on unchanged at inference (dropout): in-place reuse looks through it.
    passes_on: ClassVar[bool] = False
    # Facet or convention → why this op does not support it.
    unsupported: ClassVar[dict[str, str]] = {}
    # Convention name → rule; every name in ``CONVENTION_NAMES`` is stated (``nothing`` where it counts 0).
    counts: ClassVar[dict[str, Rule]] = {}
    # A spec snippet (the body of a stem, input 8×8×8) that lowers to at least one node of this op.
    example: ClassVar[str] = ""

    # ---- analysis (torch-free) ------------------------------------------------------------

    def shape(self, a: Any, ins: list[Shape]) -> Shape:
        """The output shape (no batch) from the input shapes; the lowering has checked the inputs."""
        raise NotImplementedError(f"op `{self.name}` has no shape rule")

    def params(self, a: Any, ins: list[Shape] | tuple[Shape, ...], out: Shape) -> int:
        """Trainable parameters."""
        return 0

    def macs(self, a: Any, ins: list[Shape] | tuple[Shape, ...], out: Shape) -> int:
        """Multiply-accumulates (papers' 'FLOPs'): conv and linear layers only, bias excluded."""
        return 0

    def buffers(self, a: Any, element_bytes: int) -> int:
        """Bytes of buffers (a norm's running statistics) the torch module holds."""
        return 0

    def aliases(self, a: Any) -> bool:
        """Whether the output is (a view of) the input's storage."""
        return False

    def parameter(self, a: Any) -> tuple[tuple[int, ...], float] | None:
        """A function op that holds a parameter of its own (layer scale's γ): its shape and starting
        value. Backends register it on the enclosing module, under the node's name."""
        return None

    def saved(self, node: Node, grad: dict[int, bool],
              inplace: bool = False) -> tuple[list[int], dict[str, int]]:
        """For training memory: the values (node ids) this op keeps for backward, and its extra buffers
        (``index``, ``mask``, ``sample_mask``, ``stats`` element counts). Called when a gradient flows;
        ``inplace``: the torch module overwrites its input (``backends.inplace``)."""
        return [], {}

    def count(self, convention: str, o: Op, span: Span | None = None) -> Items:
        """This op's items in one counting convention."""
        rule = self.counts.get(convention)
        if rule is None:
            raise Unsupported(self.name, f"the `{convention}` convention",
                              self.unsupported.get(convention, "no counting rule is defined"), span)
        return rule(o)

    # ---- backends ---------------------------------------------------------------------------

    def torch_module(self, a: Any, device: Any = None, inplace: bool = False) -> Any:
        """The ``torch.nn`` module of a module op, its tensors on ``device``."""
        raise self.unsupported_error("torch")

    def torch_call(self, a: Any, args: list[Any], inplace: bool = False) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """A function op: the function and arguments its ``forward`` call takes (``args`` are the input values).
        ``inplace``: the first input may be overwritten."""
        raise self.unsupported_error("torch")

    def inplace(self, a: Any) -> bool:
        """Whether the torch module may overwrite its input (an activation with ``inplace=True``)."""
        return False

    def python(self, a: Any, args: list[str]) -> str:
        """A function op's expression in generated source (module ops are written from their module)."""
        raise self.unsupported_error("python")

    # Helper source a function op's expression needs in generated files: (name, import lines).
    python_helpers: ClassVar[tuple[str, ...]] = ()

    def expand(self, n: Node, after: list[Node], d: Defaults) -> tuple[str, int]:
        """How ``archspec expand`` writes the node as a statement, and how many nodes that statement
        covers (a conv takes along the norm and activation in ``after``); ``""`` when its combinator
        writes it (a residual's add)."""
        raise self.unsupported_error("expand")

    def label(self, a: Any, ins: list[Shape] | None = None) -> str:
        """A short description for diagrams: 'conv 3×3, 64, s2' (``ins``: the input shapes, where known)."""
        raise self.unsupported_error("label")

    # Diagrams print this op as a suffix of the op before it ('conv 3×3, 64 · bn · relu').
    suffix: ClassVar[bool] = False
    # Diagrams draw this op as a node of its own, where paths join (a residual's add, a concat).
    joins: ClassVar[bool] = False
    # Attributes that vary along a stage without changing what a block is (drop-path rates grow with depth).
    varying: ClassVar[tuple[str, ...]] = ()

    def incomplete(self) -> list[str]:
        """Gaps in the op's own tables (a norm kind without a convention's rule), for ``missing()``."""
        return []

    # ---- helpers ----------------------------------------------------------------------------

    def unsupported_error(self, facet: str, span: Span | None = None) -> Unsupported:
        where = {"torch": "the torch backend", "python": "the Python source backend", "expand": "`archspec expand`",
                 "label": "the diagrams"}.get(facet, facet)
        return Unsupported(self.name, where, self.unsupported.get(facet, "not implemented"), span)

    def unsupported_for(self, facet: str, a: Any) -> str | None:
        """Why a backend (``torch``, ``python``, ``onnx``, …) cannot take this op with these attributes, or None.
        By default what ``unsupported`` says for the whole op; an op overrides it where support depends
        on the attributes (an adaptive max pool to a size other than 1×1 has no ONNX form)."""
        return self.unsupported.get(facet)

    def implements(self, facet: str) -> bool:
        """Whether a backend facet is implemented by this op (not inherited from ``OpDef``)."""
        methods = {"torch": ("torch_module",) if self.module else ("torch_call",), "python": ("python",),
                   "expand": ("expand",), "label": ("label",)}[facet]
        if facet == "python" and self.module:
            return self.implements("torch")  # module ops are written from their torch module
        return all(getattr(type(self), m) is not getattr(OpDef, m) for m in methods)


_REGISTRY: dict[str, OpDef] = {}


def register(cls: type[OpDef]) -> type[OpDef]:
    """Class decorator: add an op to the registry under its ``name``."""
    if cls.kind not in KINDS:
        raise ValueError(f"op `{cls.name}`: unknown kind `{cls.kind}` (known: {', '.join(KINDS)})")
    _REGISTRY[cls.name] = cls()
    return cls


def unregister(name: str) -> None:
    """Remove an op (tests register throwaway ops)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> OpDef:
    """The definition of an op by name."""
    return _REGISTRY[name]


def all_ops() -> dict[str, OpDef]:
    """Every registered op, in registration order."""
    return dict(_REGISTRY)


def missing(op: OpDef) -> list[str]:
    """What an op neither implements nor declares unsupported, as ``facet`` / ``convention:NAME`` words."""
    out = [] if type(op).shape is not OpDef.shape else ["shape"]
    out += [f for f in FACETS if not op.implements(f) and f not in op.unsupported]
    out += [f"convention:{c}" for c in CONVENTION_NAMES if c not in op.counts and c not in op.unsupported]
    if not op.example:
        out.append("example")
    return out + op.incomplete()


def conv_out(size: int, k: int, s: int, p: int, d: int = 1, ceil: bool = False) -> int:
    """Output length of a conv or pool along one axis (PyTorch's formula, ceil mode included)."""
    span = size + 2 * p - d * (k - 1) - 1
    if ceil:
        out = -(-span // s) + 1
        if (out - 1) * s >= size + p:  # the last window must start inside the input or left padding
            out -= 1
        return out
    return span // s + 1


def follows(n: Node, prev: Node) -> bool:
    """``n`` came from the same statement as ``prev`` and reads its output (a conv's norm and act)."""
    return n.inputs == (prev.id,) and n.span is not None and n.span == prev.span and n.scope == prev.scope


class Defaults(NamedTuple):
    """What a statement may leave unsaid, for ``expand``: the spec's default norm, activation and norm settings."""

    act: str
    norm: str
    norm_eps: float
    norm_momentum: float


def num_text(v: Any) -> str:
    """A number as the language writes it (``0.2``, ``1e-05``, ``true``)."""
    from archspec.fmt import float_text

    if isinstance(v, bool):
        return "true" if v else "false"
    return float_text(v) if isinstance(v, float) else str(v)
