"""The optional parts of archspec and the extra that brings each: ``pip install 'archspec[torch]'``.

The core (parsing, analysis, fmt, diff, expand, DOT output) imports none of these. A command that
needs one checks for it first, without importing it, and stops with one line naming the extra.
"""

from __future__ import annotations

import importlib.util

# Top-level module → the extra that installs it.
EXTRA_OF = {
    "torch": "torch",
    "torchvision": "torch",
    "onnx": "onnx",
    "onnxscript": "onnx",
    "onnxruntime": "onnx",
    "streamlit": "app",
    "altair": "app",
    "pandas": "app",
    "sphinx": "docs",
    "docutils": "docs",
    "markdown": "docs",
    "mkdocs": "docs",
    "pygls": "lsp",
    "lsprotocol": "lsp",
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message is one line naming the pip command."""


def install_hint(extra: str) -> str:
    return f"pip install 'archspec[{extra}]'"


def message(what: str, module: str, extra: str | None = None) -> str:
    extra = extra or EXTRA_OF.get(module.split(".")[0], "all")
    return f"archspec: {what} needs {module.split('.')[0]}, which is not installed: {install_hint(extra)}"


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(what: str, *modules: str, extra: str | None = None) -> None:
    """Raise ``MissingExtra`` naming the extra when any of ``modules`` is missing."""
    for module in modules:
        if not installed(module):
            raise MissingExtra(message(what, module, extra), name=module)


def hint_for(exc: ImportError) -> str | None:
    """The one-line message for an ImportError of an optional dependency (None for anything else)."""
    if isinstance(exc, MissingExtra):
        return str(exc)
    name = (exc.name or "").split(".")[0]
    if isinstance(exc, ModuleNotFoundError) and name in EXTRA_OF:
        return message("this command", name)
    return None
