"""archspec: a compiler for convolutional network architectures written as text.

    >>> import archspec
    >>> net = archspec.load("specs/resnet50.arch")   # or a zoo name: archspec.load("resnet50")
    >>> net.params, net.macs
    (25557032, 4089184256)
    >>> model = net.to_torch()                        # torch is imported only here

Parsing and analysis never import torch.
"""

from archspec.collector import paused as _paused

with _paused():  # pydantic, lark and the IR: many objects, no garbage
    from archspec.errors import BudgetError, SpecError
    from archspec.lower import Budget
    from archspec.network import Network, load, loads

__all__ = ["Budget", "BudgetError", "Network", "SpecError", "load", "loads"]
__version__ = "0.1.0"
