"""The Python API: ``archspec.load(spec)`` gives an analysed ``Network``; torch only on demand."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from archspec import ir
from archspec.analysis import CONVENTIONS, Analysis, Layer, Totals, analyze
from archspec.errors import SpecError, did_you_mean
from archspec.graph import Graph
from archspec.lower import Budget, lower
from archspec.parse import MAX_SOURCE_BYTES, parse
from archspec.scaling import Config, resolve


@functools.cache
def prelude() -> dict[str, ir.BlockDef]:
    """The built-in blocks, parsed once from the package's ``prelude.arch``."""
    text = resources.files("archspec").joinpath("prelude.arch").read_text(encoding="utf-8")
    return {b.name: b for b in parse(text, "prelude.arch").blocks}


@dataclass
class Source:
    text: str
    file: str
    variant: str | None = None


def read_spec(ref: str | os.PathLike[str]) -> Source:
    """Find a spec: a path, ``path.arch:variant``, or a zoo name (``resnet50``, ``efficientnet_b3``)."""
    from archspec import zoo

    ref = str(ref)
    variant = None
    path = Path(ref)
    if not path.is_file() and ":" in ref:
        head, _, tail = ref.rpartition(":")
        if Path(head).is_file():
            path, variant = Path(head), tail or None
    if path.is_file():
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise SpecError(f"spec file is larger than {MAX_SOURCE_BYTES // 1_000_000} MB", file=str(path))
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpecError(f"spec is not UTF-8 text (byte {exc.start})", file=str(path)) from None
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


class Network:
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
    def variant(self) -> str | None:
        return self.config.variant

    @property
    def input(self) -> tuple[int, int, int]:
        return self.graph.input

    @property
    def output(self) -> tuple[int, ...]:
        return self.graph.output_shape

    @property
    def params(self) -> int:
        return self.analysis.total.params

    @property
    def macs(self) -> int:
        return self.analysis.total.macs

    @property
    def flops(self) -> int:
        return self.analysis.total.flops

    @property
    def fvcore(self) -> int:
        return self.analysis.total.fvcore

    @property
    def activations(self) -> int:
        return self.analysis.total.activations

    @property
    def layers(self) -> list[Layer]:
        return self.analysis.layers

    @property
    def stages(self) -> list[Totals]:
        return self.analysis.stages

    @property
    def blocks(self) -> list[Totals]:
        return self.analysis.blocks

    def to_torch(self, **kwargs: Any) -> Any:
        """The network as a ``torch.nn.Module`` (see ``archspec.backends.torch.build``)."""
        from archspec.backends.torch import build

        return build(self.graph, **kwargs)

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
            "conventions": CONVENTIONS,
            "knobs": {k: round(v, 6) for k, v in self.config.knobs.items()},
            "rounding": {"divisor": self.config.rounding.divisor, "min": self.config.rounding.min,
                         "guard": self.config.rounding.guard, "mode": self.config.rounding.mode,
                         "depth": self.config.rounding.depth},
            "stages": [s.to_dict() for s in self.stages],
            "blocks": [b.to_dict() for b in self.blocks],
        }
        if per_layer:
            d["layers"] = [layer.to_dict() for layer in self.layers]
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


def loads(
    text: str,
    file: str = "<spec>",
    variant: str | None = None,
    overrides: dict[str, Any] | None = None,
    budget: Budget | None = None,
) -> Network:
    """Like ``load`` for spec text already in memory."""
    spec = parse(text, file)
    try:
        cfg = resolve(spec, variant, overrides)
        blocks = {**prelude(), **{b.name: b for b in spec.blocks}}
        graph = lower(spec, blocks, cfg, budget)
    except SpecError as err:
        raise err.locate(file, text) from None
    except RecursionError:
        raise SpecError("spec nested too deeply", file=file, source=text) from None
    return Network(spec, cfg, graph, text)
