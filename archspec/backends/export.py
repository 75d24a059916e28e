"""The compiled module for other runtimes: TorchScript and ``torch.export``.

Both take the module the torch backend builds (in eval mode) and trace it with an example input
of the spec's shape. ``torch.export`` is PyTorch's supported path and keeps the batch dimension
dynamic; TorchScript is deprecated upstream but still loads in C++ (libtorch) without Python.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target


def example_input(net: Target, batch: int = 2, device: Any = None) -> torch.Tensor:
    """A random input of the network's shape. Batch 2 by default, so a dynamic batch is not
    specialised to 1 while tracing."""
    return torch.randn(batch, *net.input, device=device)


def _module(net: Target, module: Any = None, **kwargs: Any) -> torch.nn.Module:
    return (module if module is not None else net.to_torch(**kwargs)).eval()


def torchscript(net: Target, module: Any = None, **kwargs: Any) -> torch.jit.ScriptModule:
    """The module scripted with ``torch.jit.script``; ``kwargs`` go to ``Target.to_torch``."""
    m = _module(net, module, **kwargs)
    with warnings.catch_warnings():
        # Deprecated upstream in favour of torch.export, but asked for by name here.
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*TorchScript type system.*")
        return torch.jit.script(m)


def torchscript_bytes(net: Target, module: Any = None, **kwargs: Any) -> bytes:
    """The scripted module as a file's bytes (``torch.jit.load`` reads them)."""
    scripted = torchscript(net, module, **kwargs)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        torch.jit.save(scripted, buf)
    return buf.getvalue()


def exported(net: Target, module: Any = None, dynamic_batch: bool = True, **kwargs: Any) -> torch.export.ExportedProgram:
    """The module as a ``torch.export.ExportedProgram`` (input named ``x``, batch dynamic by default)."""
    m = _module(net, module, **kwargs)
    x = example_input(net, batch=2 if dynamic_batch else 1, device=next(iter(m.parameters()), torch.empty(0)).device)
    dynamic = {"x": {0: torch.export.Dim("batch", min=1)}} if dynamic_batch else None
    return torch.export.export(m, (x,), dynamic_shapes=dynamic)


def exported_bytes(net: Target, module: Any = None, **kwargs: Any) -> bytes:
    """The exported program as a ``.pt2`` file's bytes (``torch.export.load`` reads them)."""
    buf = io.BytesIO()
    torch.export.save(exported(net, module, **kwargs), buf)
    return buf.getvalue()


def torchscript_files(target: Target, module: Any = None) -> dict[str, Producer]:
    """The ``torchscript`` backend: ``NAME.torchscript.pt``."""
    return {f"{target.name}.torchscript.pt": lambda: torchscript_bytes(target, module)}


def exported_files(target: Target, module: Any = None) -> dict[str, Producer]:
    """The ``export`` backend: ``NAME.pt2``."""
    return {f"{target.name}.pt2": lambda: exported_bytes(target, module)}
