"""The Python API: ``archspec.load(spec)`` gives an analysed ``Network``; torch only on demand."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archspec import cache, conventions, ir
from archspec.analysis import COLUMNS, Analysed, Analysis, analyze
from archspec.collector import paused
from archspec.conventions.memory import Memory, estimate, layer_saved_bytes
from archspec.errors import SpecError, did_you_mean
from archspec.extras import require
from archspec.graph import Graph
from archspec.lower import Budget, lower
from archspec.parse import MAX_SOURCE_BYTES, parse
from archspec.scaling import Config, resolve

if TYPE_CHECKING:
    from collections.abc import Sequence

    from archspec.backends.target import Target
    from archspec.features import FeatureInfo


@functools.cache
def prelude() -> dict[str, ir.BlockDef]:
    """The built-in blocks, parsed once from the package's ``prelude.arch``."""
    text = (Path(__file__).parent / "prelude.arch").read_text(encoding="utf-8")
    # Read back from the user's cache when this very text was parsed before: a tenth of a small
    # command's time otherwise goes to parsing the prelude.
    name = cache.key("prelude", text, f"ir{ir.FORMAT}")
    blocks = cache.load(name)
    if not (isinstance(blocks, dict) and all(isinstance(b, ir.BlockDef) for b in blocks.values())):
        blocks = {b.name: b for b in parse(text, "prelude.arch").blocks}
        cache.store(name, blocks)
    return blocks


@dataclass
class Source:
    text: str
    file: str
    variant: str | None = None


_FIRST = ir.Span(line=1, col=1, end_line=1, end_col=2)  # unvalidated: no validator built at import


def _is_file(path: Path) -> bool:
    """``Path.is_file`` that says no, rather than raising, for names the OS refuses (too long, ...)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_spec(ref: str | os.PathLike[str]) -> Source:
    """Find a spec: a path, ``path.arch:variant``, or a zoo name (``resnet50``, ``efficientnet_b3``)."""
    from archspec import zoo

    ref = str(ref)
    variant = None
    path = Path(ref)
    if not _is_file(path) and ":" in ref:
        head, _, tail = ref.rpartition(":")
        if _is_file(Path(head)):
            path, variant = Path(head), tail or None
    if _is_file(path):
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                raise SpecError(f"spec file is larger than {MAX_SOURCE_BYTES // 1_000_000} MB", _FIRST, file=str(path))
            data = path.read_bytes()
        except OSError as exc:
            raise SpecError(f"cannot read the spec: {exc.strerror or exc}", file=str(path)) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Point at the first bad byte: its line, and its column among the characters before it.
            good = data[: exc.start].decode("utf-8")
            line, col = good.count("\n") + 1, len(good) - good.rfind("\n")
            raise SpecError(f"spec is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})",
                            ir.Span(line=line, col=col, end_line=line, end_col=col + 1), file=str(path),
                            hint="save the file as UTF-8") from None
        return Source(text, ref if variant is None else str(path), variant)
    entry = zoo.find(ref)
    if entry is not None:
        src = read_spec(entry.spec)
        src.variant = entry.variant
        return src
    if os.path.isdir(ref):
        raise SpecError(f"`{ref}` is a directory, not a spec", file=ref)
    names = [e.name for e in zoo.entries()]
    raise SpecError(f"no spec file or zoo model named `{ref}`", file=ref,
                    hint=did_you_mean(ref, names) or "run `archspec zoo` for the models it knows")


class Network(Analysed):
    """An analysed network: its spec IR, resolved settings, layer graph and costs.

    Totals: ``params``, ``macs``, ``flops``, ``fvcore``; per layer ``layers``, per stage ``stages``,
    per block ``blocks``. ``to_torch()`` builds the ``nn.Module`` (imports torch).
    """

    def __init__(self, spec: ir.Spec, config: Config, graph: Graph, source: str | None = None) -> None:
        self.spec = spec
        self.config = config
        self.graph = graph
        self.source = source
        self.analysis: Analysis = analyze(graph)

    # totals
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        """The spec's description, or its name."""
        return self.spec.description or self.spec.name

    @property
    def variant(self) -> str | None:
        return self.config.variant

    # counting conventions and memory (archspec.conventions)
    @functools.cached_property
    def tally(self) -> conventions.Counts:
        """Every layer counted in every convention (fvcore, torch, ptflops, …)."""
        return conventions.tally(self.graph)

    def count(self, convention: str = conventions.DEFAULT) -> int:
        """The total in one counting convention: ``net.count("ptflops")`` is ptflops' number."""
        return self.tally.total(convention)

    def counts(self) -> dict[str, int]:
        """Every counting convention's total, by name."""
        return self.tally.totals()

    def memory(self, batch: int = 1, dtype: str = "fp32", device: str = "cuda") -> Memory:
        """Parameter, activation, torchinfo and training memory at a batch size and dtype."""
        return estimate(self.graph, self.params, batch, dtype, device)

    # backends (archspec.backends): each reads the target, never the Network
    @functools.cached_property
    def target(self) -> Target:
        """What backends read: the layer graph, its analysis, and the spec that names them."""
        from archspec.backends.target import Target

        return Target(self.graph, self.analysis, self.spec, self.variant, self.source,
                      lambda: self.to_dict(per_layer=True))

    def emit(self, name: str, module: Any = None) -> dict[str, str | bytes]:
        """Every file one backend makes (``archspec.backends.BACKENDS``: json, svg, dot, py, onnx, …),
        file name → contents. ``module``: an already built torch module for the exporting backends."""
        from archspec.backends import get

        return {file: make() for file, make in get(name).files(self.target, module).items()}

    def to_torch(self, *, weights: Any = None, fuse: bool = False, **kwargs: Any) -> Any:
        """The network as a ``torch.nn.Module`` (see ``archspec.backends.torch.build``): a module tree as
        torchvision's, a class per block kind (``Bottleneck``), stages as ``nn.Sequential``.

        ``weights``: a state_dict, a ``.pt`` path or ``torchvision:NAME``, mapped on by position with
        shape checks. ``fuse=True``: an inference module (eval mode) with each BatchNorm folded into
        the conv before it and identities dropped. ``features=["stage2", "stage3"]``: a module whose
        forward returns those maps (stage names or paths), with timm's ``feature_info``.
        ``device="cuda"`` on a machine without CUDA is a ``DeviceError`` saying so.
        """
        require("Network.to_torch()", "torch")
        from archspec.backends.torch import module

        return module(self.graph, weights=weights, fuse=fuse, **kwargs)

    def features(self, paths: Sequence[str] | str) -> FeatureInfo:
        """What ``to_torch(features=paths)`` returns, per tap: the part, its channels, its reduction (input
        size over the map's) and its shape; no torch. ``paths``: stage names or paths, or one string
        ``"stage2,stage3"``."""
        from archspec.features import info, taps

        return info(taps(self.graph, paths))

    def to_python(self) -> str:
        """A standalone PyTorch source file whose model has the compiled module's state_dict keys."""
        require("Network.to_python()", "torch")
        from archspec.backends.pysource import generate

        return generate(self.target)

    def to_onnx(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> bytes:
        """The compiled module exported to ONNX (see ``archspec.backends.onnx.export``)."""
        require("Network.to_onnx()", "torch", "onnx", "onnxscript")
        from archspec.backends.onnx import export

        return export(self.target, path, **kwargs)

    def to_torchscript(self, **kwargs: Any) -> Any:
        """The compiled module as a TorchScript ``ScriptModule``."""
        from archspec.backends.export import torchscript

        return torchscript(self.target, **kwargs)

    def to_exported(self, **kwargs: Any) -> Any:
        """The compiled module as a ``torch.export.ExportedProgram``."""
        from archspec.backends.export import exported

        return exported(self.target, **kwargs)

    def to_json(self, part: str = "spec") -> str:
        """``spec``: the spec IR (``archspec.load`` reads it back); ``graph``: the layer graph."""
        if part == "spec":
            return self.spec.model_dump_json(indent=2)  # not exclude_none: `else` has a required None test
        if part == "graph":
            return json.dumps(self.graph.to_dict(), indent=1, default=str)
        raise ValueError(f"part is `spec` or `graph`, not {part!r}")

    def expand(self) -> str:
        """The fully expanded spec: every block and repeat written out with resolved numbers."""
        from archspec.expand import expand

        return expand(self)

    def format(self) -> str:
        """The spec's canonical text, comments kept (what ``archspec fmt`` prints)."""
        from archspec.fmt import format_spec

        is_ir = self.source is not None and self.source.lstrip().startswith("{")
        return format_spec(self.spec, None if is_ir else self.source)

    def diff(self, other: Network) -> dict[str, Any]:
        """What changed from this design to ``other``, per stage (what ``archspec diff --json`` prints)."""
        from archspec.diff import diff

        return diff(self, other)

    def to_dot(self, level: str = "block", rankdir: str = "TB", theme: str = "light", **options: Any) -> str:
        """The diagram as Graphviz DOT text: ``level`` stage, block or layer; ``options`` (layout, fold,
        style, block) as ``archspec.backends.graphviz.to_dot``'s."""
        from archspec.backends.graphviz import to_dot

        return to_dot(self.target, level, rankdir, theme, **options)

    def _repr_svg_(self) -> str | None:
        """The block-level diagram, for Jupyter; None without Graphviz, so the text repr shows instead."""
        from archspec.backends import graphviz

        if not graphviz.have_dot():
            return None
        return graphviz.render_bytes(self.target, "svg", level="block").decode("utf-8")

    def to_dict(self, per_layer: bool = True) -> dict[str, Any]:
        """The analysis as plain data (what ``archspec analyze --json`` prints)."""
        d: dict[str, Any] = {
            "name": self.name,
            "variant": self.variant,
            "input": list(self.input),
            "output": list(self.output),
            "params": self.params,
            "macs": self.macs,
            "flops": self.flops,
            "fvcore_flops": self.fvcore,
            "activations": self.activations,
            "activation_bytes": self.activations * 4,
            "peak_activations": self.analysis.peak_activations,
            "conventions": COLUMNS,
            "knobs": {k: round(v, 6) for k, v in self.config.knobs.items()},
            "rounding": {"divisor": self.config.rounding.divisor, "min": self.config.rounding.min,
                         "guard": self.config.rounding.guard, "mode": self.config.rounding.mode,
                         "depth": self.config.rounding.depth},
            "stages": [s.to_dict() for s in self.stages],
            "blocks": [b.to_dict() for b in self.blocks],
        }
        d["counts"] = self.counts()
        d["convention_details"] = self.tally.to_dict()
        d["memory"] = self.memory().to_dict()
        d["memory"]["training"] = [
            {k: m.to_dict()[k] for k in ("batch", "dtype", "saved", "train_sgd_momentum", "train_adam")}
            for m in (self.memory(b, t) for t in ("fp32", "bf16") for b in (1, 32, 256))
        ]
        if per_layer:
            d["layers"] = [layer.to_dict() for layer in self.layers]
            _, saved = layer_saved_bytes(self.graph)
            for i, row in enumerate(d["layers"]):
                row["counts"] = self.tally.layer(i)
                row["saved_bytes"] = saved[i]
        return d

    def __repr__(self) -> str:
        v = f":{self.variant}" if self.variant else ""
        return f"<Network {self.name}{v}: {self.params:,} params, {self.macs:,} MACs>"


def load(
    spec: str | os.PathLike[str],
    variant: str | None = None,
    overrides: dict[str, Any] | None = None,
    budget: Budget | None = None,
) -> Network:
    """Parse, check, lower and analyse a spec (a path, ``path:variant``, a zoo name, or spec text).

    Raises ``SpecError`` (located at file:line:col) for any problem in the spec.
    """
    text_given = isinstance(spec, str) and "\n" in spec
    src = Source(spec, "<spec>") if text_given else read_spec(spec)  # type: ignore[arg-type]
    return loads(src.text, src.file, variant or src.variant, overrides, budget)


@paused()  # a load makes ~10^5 small objects without cycles (see archspec.collector)
def loads(
    text: str,
    file: str = "<spec>",
    variant: str | None = None,
    overrides: dict[str, Any] | None = None,
    budget: Budget | None = None,
) -> Network:
    """Like ``load`` for spec text already in memory (or a spec IR saved as JSON)."""
    is_ir = text.lstrip().startswith("{")
    spec = read_ir(text, file) if is_ir else parse(text, file)
    try:
        cfg = resolve(spec, variant, overrides)
        blocks = {**prelude(), **{b.name: b for b in spec.blocks}}
        graph = lower(spec, blocks, cfg, budget)
    except SpecError as err:
        # An IR's spans point into the .arch file it was parsed from, not into the JSON.
        raise (err.locate(spec.file, None) if is_ir else err.locate(file, text)) from None
    except RecursionError:
        raise SpecError("spec nested too deeply", file=file, source=text) from None
    return Network(spec, cfg, graph, text)


def read_ir(text: str, file: str = "<spec>") -> ir.Spec:
    """A spec IR saved as JSON (``Network.to_json()``, ``archspec compile --emit json``)."""
    from pydantic import ValidationError

    try:
        return ir.Spec.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise SpecError(f"not a spec IR: {where}: {first['msg']}", file=file,
                        hint="a spec IR is what `archspec compile --emit json` writes as spec.json") from None
