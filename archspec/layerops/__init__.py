"""The op registry: every layer-graph op, each defined once in the module named for it.

``get(name)`` returns an op's ``OpDef``; ``all_ops()`` lists them. See ``base.py`` for what an op
defines and docs/architecture.md for how to add one.
"""

from archspec.layerops import (  # noqa: F401  (each import registers its ops)
    act,
    add,
    concat,
    conv,
    dropout,
    droppath,
    flatten,
    layerscale,
    linear,
    mean,
    mul,
    norm,
    pad,
    permute,
    pool,
    shuffle,
    slice,
    softmax,
    upsample,
    zeropad,
)
from archspec.layerops.base import (
    CONVENTION_NAMES,
    FACETS,
    KINDS,
    Attrs,
    Defaults,
    Items,
    NoAttrs,
    Op,
    OpDef,
    Shape,
    Unsupported,
    all_ops,
    conv_out,
    follows,
    get,
    missing,
    nothing,
    register,
    unregister,
)

__all__ = ["CONVENTION_NAMES", "FACETS", "KINDS", "Attrs", "Defaults", "Items", "NoAttrs", "Op", "OpDef", "Shape",
           "Unsupported", "all_ops", "conv_out", "follows", "get", "missing", "nothing", "register", "unregister"]
