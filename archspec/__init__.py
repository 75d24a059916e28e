"""archspec: a compiler for convolutional network architectures written as text.

    >>> import archspec
    >>> net = archspec.load("specs/resnet50.arch")   # or a zoo name: archspec.load("resnet50")
    >>> net.params, net.macs
    (25557032, 4089184256)
    >>> model = net.to_torch()                        # torch is imported only here

Parsing and analysis never import torch.
"""

import gc as _gc

# Importing pydantic, lark and the IR makes ~10^5 objects and no garbage; the cycle collector's
# passes over them cost a command ~7% of its time. Paused for these imports alone.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from archspec.errors import SpecError
    from archspec.lower import Budget
    from archspec.network import Network, load, loads
finally:
    if _collecting:
        _gc.enable()

__all__ = ["Budget", "Network", "SpecError", "load", "loads"]
__version__ = "0.1.0"
