"""Which layers run in place, decided from the layer graph alone (no torch): the torch backend and the
generated source make those activations ``inplace=True``, and training memory counts what they keep."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from archspec.graph import Graph


def overwritable(g: Graph, taps: Iterable[int] = ()) -> frozenset[int]:
    """The nodes whose output the next op may overwrite, as torchvision's ``inplace=True`` activations and
    ``out += identity`` do: made fresh by an op whose backward does not read its output (a conv, norm,
    linear or add; or passed on by dropout from one) and read by one node only. Each saves an allocation
    and a pass over memory: ~10% of a CPU forward pass at batch 32. ``taps``: values read from outside
    as well (feature maps a module returns), which nothing may overwrite."""
    readers = Counter(i for n in g.nodes for i in n.inputs)
    readers[g.output] += 1
    readers.update(taps)
    ok: set[int] = set()
    for n in g.nodes:  # in data-flow order: a node's inputs are settled before it
        d = n.defn
        if readers[n.id] == 1 and (d.fresh or (d.passes_on and n.inputs[0] in ok)):
            ok.add(n.id)
    return frozenset(ok)


def inplace_acts(g: Graph, taps: Iterable[int] = ()) -> frozenset[int]:
    """The nodes whose module runs in place (activations that can): their input is ``overwritable``."""
    ok = overwritable(g, taps)
    return frozenset(n.id for n in g.nodes if n.defn.module and n.defn.inplace(n.attrs) and n.inputs[0] in ok)
