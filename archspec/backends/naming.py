"""Names the torch-based backends share: the submodule path of a layer and the class of a network.

The torch backend registers each layer at ``target(path)`` and the Python source backend writes the
same attributes, so their ``state_dict`` keys agree.
"""

from __future__ import annotations

import keyword
from functools import cache


@cache
def _reserved() -> frozenset[str]:
    # Attributes of a GraphModule: a submodule of that name would clash (a stage named `forward`); and
    # Python's keywords, which fx's generated code would write as attributes (`self.class.conv1`).
    from torch import fx, nn

    g = fx.Graph()
    g.output(g.placeholder("x"))
    return frozenset(dir(fx.GraphModule(nn.Module(), g))) | frozenset(keyword.kwlist)


def target(path: str) -> str:
    """The submodule path of a node: its name, with a part that clashes with a module attribute
    (`stage forward:`, `stage eval:`) given a trailing underscore."""
    reserved = _reserved()
    return ".".join(p + "_" if p in reserved else p for p in path.split("."))


def class_name(name: str) -> str:
    """``resnet50`` → ``Resnet50``; a keyword it would spell (``network none``) gets an underscore."""
    cls = "".join(p[:1].upper() + p[1:] for p in name.replace("-", "_").split("_") if p) or "Network"
    return cls + "_" if keyword.iskeyword(cls) else cls
