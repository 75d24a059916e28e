"""Feature taps: intermediate maps a network gives besides its output, as timm's ``features_only`` and
torchvision's ``create_feature_extractor`` do (detection and segmentation read them).

A tap is named by a stage (``stage2``) or any hierarchical path of a part or a layer (``stage3.1``,
``stage2.0.conv1``); its value is that part's output. ``feature_info`` says, per tap, what timm's
says: the module, its channels and its reduction (input size over the map's). No torch import here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from archspec.errors import SpecError, did_you_mean
from archspec.graph import Graph


@dataclass(frozen=True)
class Tap:
    """One feature map: the path asked for, the value (node id) it reads, its shape and reduction."""

    path: str
    value: int
    shape: tuple[int, ...]
    reduction: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"module": self.path, "num_chs": self.shape[0], "reduction": self.reduction, "shape": list(self.shape)}


class FeatureInfo(list[dict[str, Any]]):
    """Per tap, timm's entries: ``module``, ``num_chs``, ``reduction`` (and the map's ``shape``)."""

    def channels(self) -> list[int]:
        return [f["num_chs"] for f in self]

    def reduction(self) -> list[int | None]:
        return [f["reduction"] for f in self]

    def module_name(self) -> list[str]:
        return [f["module"] for f in self]


class FeatureError(SpecError):
    """A feature tap that names no part of the network; exit code 2 (bad input)."""

    def format(self) -> str:
        return f"error: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


def parts(g: Graph) -> dict[str, int]:
    """Every path a tap may name → the value it reads: each part that holds layers (stages, blocks, the
    parts inside them), and each layer."""
    from archspec.backends.modtree import Unit, units

    found: dict[str, int] = {}

    def walk(u: Unit) -> None:
        if u.path:
            found[u.path] = u.out
        for it in u.items:
            if isinstance(it, Unit):
                walk(it)

    walk(units(g))
    for n in g.nodes:
        found.setdefault(n.name, n.id)
    return found


def taps(g: Graph, paths: Sequence[str] | str) -> list[Tap]:
    """The taps named by ``paths`` (a list, or one comma-separated string), in that order."""
    names = [p.strip() for p in (paths.split(",") if isinstance(paths, str) else paths)]
    if not names or not all(names):
        raise FeatureError("no feature taps named (give stage names or paths, as `stage2,stage3`)")
    known = parts(g)
    shapes = {n.id: n.out for n in g.nodes} | {-1: g.input}
    out = []
    for name in names:
        if name not in known:
            top = [p for p in known if "." not in p]
            hint = did_you_mean(name, list(known)) or f"the network's parts are {', '.join(top)}"
            raise FeatureError(f"no part of `{g.name}` is named `{name}`", hint=hint)
        shape = shapes[known[name]]
        out.append(Tap(name, known[name], shape, _reduction(g.input[1], shape)))
    return out


def _reduction(size: int, shape: tuple[int, ...]) -> int | None:
    """Input size over the map's; where they do not divide (ceil-mode and unpadded pools), the nearest power
    of two, as timm states it (Inception v3's 299 → 35 is 8). None for a map that is no C×H×W."""
    if len(shape) != 3 or shape[1] < 1:
        return None
    if size % shape[1] == 0:
        return size // shape[1]
    return 2 ** round(math.log2(size / shape[1]))


def info(found: list[Tap]) -> FeatureInfo:
    """timm's ``feature_info`` of the taps."""
    return FeatureInfo(t.to_dict() for t in found)
