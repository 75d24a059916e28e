"""The compiled module as ONNX, checked with ``onnx.checker`` and runnable with onnxruntime.

Exported with PyTorch's ``torch.export``-based exporter (``torch.onnx.export(..., dynamo=True)``,
which needs ``onnxscript``), in eval mode, with one input ``input`` (N×C×H×W, the batch dynamic by
default) and one output ``output``.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from archspec.backends.export import example_input
from archspec.layerops import Unsupported

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target

INPUT, OUTPUT = "input", "output"


def export(
    net: Target,
    path: str | os.PathLike[str] | None = None,
    *,
    module: Any = None,
    program: Any = None,
    dynamic_batch: bool = True,
    opset: int | None = None,
    check: bool = True,
    **kwargs: Any,
) -> bytes:
    """The ONNX model's bytes (also written to ``path`` when given).

    ``module``: an already built module (else ``net.to_torch(**kwargs)``, e.g. ``weights=``, ``fuse=True``);
    ``program``: an ``ExportedProgram`` of it already made (``archspec.backends.export.exported``).
    """
    for n in net.graph.nodes:
        reason = n.defn.unsupported_for("onnx", n.attrs)
        if reason:
            raise Unsupported(n.op, "the ONNX backend", reason, n.span)
    if program is not None:
        source, x, dynamic = program, None, None
    else:
        source = (module if module is not None else net.to_torch(**kwargs)).eval()
        x = example_input(net, batch=2 if dynamic_batch else 1, device=next(iter(source.parameters()), torch.empty(0)).device)
        dynamic = {"x": {0: torch.export.Dim("batch", min=1)}} if dynamic_batch else None
    # The exporter reports its progress on stdout; a library call should not print.
    with contextlib.redirect_stdout(io.StringIO()):
        onnx_program = torch.onnx.export(source, (x,) if x is not None else (), dynamo=True, dynamic_shapes=dynamic,
                                         input_names=[INPUT], output_names=[OUTPUT], opset_version=opset, verbose=False)
    proto = onnx_program.model_proto
    if check:
        import onnx

        onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def run(model: bytes | str | os.PathLike[str], x: Any) -> Any:
    """Run an ONNX model with onnxruntime on the CPU: a numpy array (or tensor) in, a numpy array out."""
    import onnxruntime

    source = model if isinstance(model, bytes) else os.fspath(model)
    session = onnxruntime.InferenceSession(source, providers=["CPUExecutionProvider"])
    array = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x
    return session.run([OUTPUT], {INPUT: array})[0]


def files(target: Target, module: Any = None) -> dict[str, Producer]:
    """The ``onnx`` backend: ``NAME.onnx``."""
    return {f"{target.name}.onnx": lambda: export(target, module=module)}
