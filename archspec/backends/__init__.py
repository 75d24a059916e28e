"""The backends, registered by name: each reads a ``Target`` (the layer graph and its analysis) and
makes files.

``archspec compile --emit NAMES``, ``Network.emit(name)`` and the explorer's export list all come from
``BACKENDS``. A backend is named here with the module that implements it (imported only when used, so
the torch-based ones cost nothing until asked for) and the extra it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from archspec.errors import did_you_mean

if TYPE_CHECKING:
    from archspec.backends.target import Target

Producer = Callable[[], "str | bytes"]


@dataclass(frozen=True)
class Backend:
    """One backend: ``entry`` is ``module:function``, the function ``(target, module=None) → {file name: producer}``
    (``module``: an already built torch module, for the backends that export one)."""

    name: str
    output: str  # the files it writes, NAME standing for the network's name
    title: str
    entry: str
    needs: str | None = None  # the extra it needs beyond the core: "torch", "onnx", or "dot" (Graphviz's binary)

    def files(self, target: Target, module: Any = None) -> dict[str, Producer]:
        """File name → producer (called only when the file is written). A missing extra is one line naming it."""
        from archspec.extras import require

        require(f"the `{self.name}` backend", *_MODULES.get(self.needs or "", ()))
        mod, fn = self.entry.split(":")
        return getattr(import_module(mod), fn)(target, module)


# The modules each `needs` stands for (Graphviz's `dot` is a program, checked where it runs).
_MODULES = {"torch": ("torch",), "onnx": ("torch", "onnx", "onnxscript")}
_J, _G, _E = "archspec.backends.jsondoc", "archspec.backends.graphviz", "archspec.backends.export"
BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("json", "spec.json, graph.json, analysis.json", "the spec IR (archspec.load reads it back), the layer "
                "graph and the analysis", f"{_J}:files"),
        Backend("svg", "NAME.svg", "the block-level diagram (when Graphviz is installed)", f"{_G}:svg_files", needs="dot"),
        Backend("dot", "NAME.dot", "the block-level diagram as DOT text", f"{_G}:dot_files"),
        Backend("py", "NAME.py", "a standalone PyTorch source file with the same state_dict keys",
                "archspec.backends.pysource:files", needs="torch"),
        Backend("onnx", "NAME.onnx", "checked with onnx.checker; batch dimension dynamic", "archspec.backends.onnx:files",
                needs="onnx"),
        Backend("torchscript", "NAME.torchscript.pt", "TorchScript (torch.jit.load)", f"{_E}:torchscript_files",
                needs="torch"),
        Backend("export", "NAME.pt2", "a torch.export program (torch.export.load)", f"{_E}:exported_files", needs="torch"),
    )
}


def get(name: str) -> Backend:
    """A backend by name; ``ValueError`` names the known ones."""
    if name in BACKENDS:
        return BACKENDS[name]
    hint = did_you_mean(name, list(BACKENDS)) or ""
    raise ValueError(f"unknown backend `{name}` (known: {', '.join(BACKENDS)}) {hint}".strip())
