"""Foreign weights onto a compiled module: a state_dict, a ``.pt`` file, or ``torchvision:NAME``.

Weights are mapped by position with a shape check per tensor (``copy_by_position``): the compiled
module registers its layers in data-flow order, as torchvision does, so the names may differ.
``torchvision:NAME`` builds ``torchvision.models.NAME(weights=None)`` and never downloads anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from archspec.backends.torch import copy_by_position
from archspec.errors import did_you_mean

# Training-only auxiliary classifiers that a spec describes no layers for.
_TORCHVISION_KWARGS: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
}


class WeightsError(ValueError):
    """Weights that cannot be read or do not fit the module; the message names the culprit."""


def torchvision_state_dict(name: str) -> dict[str, torch.Tensor]:
    """The state_dict of ``torchvision.models.<name>(weights=None)``: freshly initialised, no download."""
    try:
        import torchvision
    except ImportError:
        raise WeightsError("torchvision is not installed (pip install torchvision)") from None
    names = torchvision.models.list_models()
    if name not in names:
        hint = did_you_mean(name, names)
        raise WeightsError(f"torchvision has no model `{name}`" + (f"; {hint}" if hint else ""))
    return torchvision.models.get_model(name, weights=None, **_TORCHVISION_KWARGS.get(name, {})).state_dict()


def read_state_dict(source: Any) -> dict[str, torch.Tensor]:
    """A state_dict from a mapping, a module, ``torchvision:NAME`` or a file saved with ``torch.save``.

    A checkpoint that wraps the weights (``{"state_dict": ...}`` or ``{"model": ...}``) is unwrapped.
    Files are read with ``weights_only=True``: no code from the file runs.
    """
    if isinstance(source, nn.Module):
        return source.state_dict()
    if isinstance(source, Mapping):
        return _unwrap(source, "the given mapping")
    text = os.fspath(source)
    if text.startswith("torchvision:"):
        return torchvision_state_dict(text.split(":", 1)[1])
    path = Path(text)
    if not path.is_file():
        raise WeightsError(f"no weights file `{text}`")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a pickle of code or a corrupt file: say which file and why
        raise WeightsError(f"cannot read weights from `{text}`: {str(exc).splitlines()[0]}") from None
    return _unwrap(obj, f"`{text}`")


def _unwrap(obj: Any, what: str) -> dict[str, torch.Tensor]:
    if isinstance(obj, Mapping) and not all(isinstance(v, torch.Tensor) for v in obj.values()):
        for key in ("state_dict", "model", "model_state_dict", "weights"):
            inner = obj.get(key)
            if isinstance(inner, Mapping) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                return dict(inner)
    if not isinstance(obj, Mapping) or not obj or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise WeightsError(f"{what} holds no state_dict (a mapping of names to tensors)")
    return dict(obj)


def load_weights(module: nn.Module, source: Any) -> dict[str, str]:
    """Map foreign weights onto ``module`` by position; returns our key → their key."""
    state = read_state_dict(source)
    try:
        return copy_by_position(module, state)
    except ValueError as exc:
        raise WeightsError(str(exc)) from None
