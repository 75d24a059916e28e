"""Layer graph → ``torch.nn.Module``: a module tree as torchvision writes one.

Each layer node becomes a standard ``torch.nn`` layer registered at its hierarchical path
(``stage1.0.conv1``), in data-flow order, so a foreign ``state_dict`` maps on by position. The parts
between — stages, blocks, shortcuts, branches — are modules of their own: a stage that is a chain is
an ``nn.Sequential`` (``model.stage1[0]``, ``model.stage1[1:]``), a block an instance of its block's
class (``Bottleneck``), the network an instance of a class named after it (``ResNet50``). Each class's
``forward`` is generated Python (``backends.classes``, ``backends.tree``) that calls its parts by
name, so a part replaced by assignment (``model.head.fc1 = nn.Linear(2048, 10)``) is the part that
runs. Nothing interprets the layer graph at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from archspec.backends.classes import plan
from archspec.backends.init import materialize
from archspec.backends.inplace import inplace_acts, overwritable
from archspec.backends.layers import StochasticDepth, zeropad_shortcut
from archspec.backends.tree import assemble, flat
from archspec.errors import SpecError
from archspec.graph import Graph, Node
from archspec.layerops import Unsupported

__all__ = ["DeviceError", "StochasticDepth", "build", "copy_by_position", "inplace_acts", "make_layer", "module",
           "overwritable", "resolve_device", "zeropad_shortcut"]


class DeviceError(SpecError):
    """A device this machine does not have (``device="cuda"`` without a GPU); exit code 2 (bad input)."""

    def format(self) -> str:
        return f"error: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


def make_layer(n: Node, device: str | torch.device | None = None, inplace: bool = False) -> nn.Module:
    """The ``torch.nn`` layer of a node whose op is a module; its tensors on ``device`` (default: the
    default device); with ``inplace`` it overwrites its input (see ``inplace_acts``)."""
    d = n.defn
    if not d.module:
        raise Unsupported(n.op, "the torch backend", "it is a function in forward(), not a layer", n.span)
    return d.torch_module(n.attrs, device=device, inplace=inplace)


def build(g: Graph, device: str | torch.device | None = None, dtype: torch.dtype | None = None,
          features: Sequence[str] | str | None = None, weights: Any = None) -> nn.Module:
    """Compile a layer graph into a module tree of standard layers, freshly initialised with PyTorch's
    default distributions (``torch.manual_seed`` fixes them; see ``archspec.backends.init``).

    ``features``: stage names or paths (``["stage2", "stage3", "stage4"]``): the module's forward then
    returns those maps, as a list, and its ``feature_info`` says their channels and reductions.
    ``weights``: mapped onto the whole network by position (``backends.weights``) before anything else.
    """
    device = check_device(device)
    found = _taps(g, features)
    values = tuple(t.value for t in found)
    fills: dict[str, float] = {}
    try:
        p = plan(g, values)
    except NotImplementedError:  # a part that is not single-input, single-output: one flat forward
        p = None
    # On the meta device: no memory and no init yet; materialize() does both, in parallel.
    root = assemble(p, inplace_acts(g, values), fills) if p is not None else flat(g, inplace_acts(g, values), fills, values)
    home = torch.empty(0).device  # where the layers would have been made: the default device
    module = materialize(root, home, fills)
    if weights is not None:
        from archspec.backends.weights import load_weights

        load_weights(module, weights)
    if found:
        from archspec.backends.featurenet import feature_module
        from archspec.features import info

        if p is not None:
            module = feature_module(module, p, found)
        else:  # the flat forward returns the taps itself
            module.feature_info = info(found)
    if device is not None or dtype is not None:
        module = module.to(device=device, dtype=dtype)
    return module


def _taps(g: Graph, features: Sequence[str] | str | None) -> list[Any]:
    if features is None:
        return []
    from archspec.features import taps

    return taps(g, features)


def check_device(device: str | torch.device | None) -> torch.device | None:
    """The device asked for, or one clear error when this machine does not have it."""
    if device is None:
        return None
    if isinstance(device, str) and device == "auto":
        return resolve_device("auto")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise DeviceError(f"`{device}` is not a device ({exc})", hint="use `cpu`, `cuda`, `cuda:1`, `mps` or `auto`") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise DeviceError(f"device `{device}` asked for, but CUDA is not available on this machine",
                          hint="use the CPU (`device=\"cpu\"`, `--device cpu`), or `auto`: CUDA where there is a GPU")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise DeviceError(f"device `{device}` asked for, but this machine has {torch.cuda.device_count()} CUDA device(s)")
    if dev.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise DeviceError(f"device `{device}` asked for, but MPS is not available on this machine", hint="use device=\"cpu\"")
    return dev


def module(g: Graph, *, weights: Any = None, fuse: bool = False, **kwargs: Any) -> nn.Module:
    """``build`` with a foreign ``state_dict`` mapped on by position (``weights``: a state_dict, a ``.pt``
    path or ``torchvision:NAME``) and, with ``fuse``, folded for inference (eval mode, BatchNorm folded
    into the conv before it, identities dropped)."""
    if fuse and kwargs.get("features") is not None:
        raise ValueError("features= and fuse=True do not combine: fuse the network, or read its features unfused")
    m: nn.Module = build(g, weights=weights, **kwargs)
    if fuse:
        from archspec.backends.fuse import fuse as fuse_module

        m = fuse_module(m)
    return m


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def copy_by_position(module: nn.Module, state_dict: dict[str, Any], *, assign: bool = False) -> dict[str, str]:
    """Load a foreign ``state_dict`` by position: same order, same shapes; names may differ.
    ``assign``: take the tensors themselves rather than copying into the module's (a module made on
    the meta device, e.g. under ``torch.device("meta")``, then needs no memory or initialisation of its own).

    BatchNorm's ``num_batches_tracked`` counters may be missing on one side (some exporters drop
    them). A failure names the first entry that differs, both keys and both shapes. Returns the
    mapping of our keys to theirs.
    """
    ours, theirs = module.state_dict(), dict(state_dict)
    skip = len(ours) != len(theirs) and len(_no_counters(ours)) == len(_no_counters(theirs))
    if skip:
        ours, theirs = _no_counters(ours), _no_counters(theirs)
    count = f"state_dict has {len(theirs)} entries, the module {len(ours)}; " if len(ours) != len(theirs) else ""
    pairs = list(zip(ours.items(), theirs.items(), strict=False))
    for i, ((k_ours, v_ours), (k_theirs, v_theirs)) in enumerate(pairs):
        if tuple(v_ours.shape) != tuple(v_theirs.shape):
            raise ValueError(f"{count}shape mismatch at entry {i}: {k_ours} {tuple(v_ours.shape)} vs {k_theirs} "
                             f"{tuple(v_theirs.shape)}")
    if count:
        side, (key, value) = ("module", list(ours.items())[len(pairs)]) if len(ours) > len(theirs) else \
            ("state_dict", list(theirs.items())[len(pairs)])
        raise ValueError(f"{count}the first entry without a partner is the {side}'s {key} {tuple(value.shape)}")
    module.load_state_dict({k_ours: v for (k_ours, _), (_, v) in pairs}, strict=not skip, assign=assign)
    return {k_ours: k_theirs for (k_ours, _), (k_theirs, _) in pairs}


def _no_counters(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not k.endswith("num_batches_tracked")}
