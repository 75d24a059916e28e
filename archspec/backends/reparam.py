"""Structural re-parameterisation (Ding et al., 2021, RepVGG): parallel conv branches that are added
fold into one conv, for inference.

Runs on the fx graph after ``fuse`` has folded each conv's BatchNorm into it. An addition whose every
operand reads the same input through one of

- a conv (kernel odd, padded to keep its centre, dilation 1), read by nothing else;
- a BatchNorm on the input itself (RepVGG's identity branch), read by nothing else;
- the input itself,

with the same output shape, stride and groups, becomes one conv with the largest kernel: the smaller
kernels zero-padded to it, the identity (and its BatchNorm) a kernel with one centre tap per channel.
The sum is linear in the input, so the result equals the branches added (to float rounding).
"""

from __future__ import annotations

import operator
from typing import Any

import torch
from torch import fx, nn

from archspec.backends.layers import add_all, add_all_

_ADDS = (operator.add, operator.iadd, add_all, add_all_)


def _branch(node: Any, modules: dict[str, nn.Module]) -> tuple[str, Any, nn.Module | None] | None:
    """What one operand of the addition is: ('conv' | 'bn', its input, the module) or ('id', node, None)."""
    if not isinstance(node, fx.Node):
        return None
    if node.op == "call_module" and len(node.users) == 1:
        mod = modules[node.target]
        if type(mod) is nn.Conv2d and _centred(mod):
            return "conv", node.args[0], mod
        if isinstance(mod, nn.BatchNorm2d) and mod.track_running_stats and mod.running_var is not None:
            return "bn", node.args[0], mod
    return "id", node, None


def _centred(c: nn.Conv2d) -> bool:
    k, p = c.kernel_size, c.padding
    return (c.padding_mode == "zeros" and c.dilation == (1, 1) and isinstance(p, tuple)
            and all(kk % 2 == 1 and pp == kk // 2 for kk, pp in zip(k, p, strict=True)))


def _identity_kernel(channels: int, groups: int, k: tuple[int, int], like: torch.Tensor) -> torch.Tensor:
    w = torch.zeros(channels, channels // groups, *k, dtype=like.dtype, device=like.device)
    per = channels // groups
    for i in range(channels):
        w[i, i % per, k[0] // 2, k[1] // 2] = 1.0
    return w


def _merge(parts: list[tuple[str, Any, nn.Module | None]], channels: int) -> nn.Conv2d | None:
    convs = [m for kind, _, m in parts if kind == "conv"]
    if not convs:
        return None
    first = convs[0]
    stride, groups = first.stride, first.groups
    if any(c.stride != stride or c.groups != groups or c.in_channels != first.in_channels
           or c.out_channels != channels for c in convs):
        return None
    has_identity = any(kind != "conv" for kind, _, _ in parts)
    if has_identity and (stride != (1, 1) or first.in_channels != channels):
        return None
    k = (max(c.kernel_size[0] for c in convs), max(c.kernel_size[1] for c in convs))
    ref = first.weight
    weight = torch.zeros(channels, first.in_channels // groups, *k, dtype=ref.dtype, device=ref.device)
    bias = torch.zeros(channels, dtype=ref.dtype, device=ref.device)
    for kind, _, m in parts:
        if kind == "conv":
            assert isinstance(m, nn.Conv2d)
            dh, dw = (k[0] - m.kernel_size[0]) // 2, (k[1] - m.kernel_size[1]) // 2
            weight[:, :, dh:dh + m.kernel_size[0], dw:dw + m.kernel_size[1]] += m.weight.detach()
            if m.bias is not None:
                bias += m.bias.detach()
            continue
        eye = _identity_kernel(channels, groups, k, ref)
        if kind == "bn":
            assert isinstance(m, nn.BatchNorm2d) and m.running_var is not None and m.running_mean is not None
            if m.num_features != channels:
                return None
            scale = (m.weight.detach() if m.affine else torch.ones_like(bias)) / torch.sqrt(m.running_var + m.eps)
            eye = eye * scale.view(-1, 1, 1, 1)
            bias += (m.bias.detach() if m.affine else 0) - m.running_mean * scale
        weight += eye
    out = nn.Conv2d(first.in_channels, channels, k, stride, (k[0] // 2, k[1] // 2), groups=groups, bias=True,
                    device=ref.device, dtype=ref.dtype)
    with torch.no_grad():
        out.weight.copy_(weight)
        out.bias.copy_(bias)
    return out


def reparameterize(m: fx.GraphModule, modules: dict[str, nn.Module]) -> int:
    """Fold every foldable addition of parallel branches into one conv (in place); how many were folded."""
    folded = 0
    for node in list(m.graph.nodes):
        if node.op != "call_function" or node.target not in _ADDS:
            continue
        operands = list(node.args[0]) if node.target in (add_all, add_all_) else list(node.args)
        parts = [_branch(a, modules) for a in operands]
        if any(p is None for p in parts):
            continue
        inputs = {id(p[1]) for p in parts if p is not None}
        convs = [p for p in parts if p is not None and p[0] == "conv"]
        if len(inputs) != 1 or not convs:
            continue
        assert convs[0][2] is not None
        merged = _merge([p for p in parts if p is not None], convs[0][2].out_channels)
        if merged is None:
            continue
        conv_node = next(a for a, p in zip(operands, parts, strict=True) if p is not None and p[0] == "conv")
        target = conv_node.target
        setattr_path(m, target, merged)
        modules[target] = merged
        with m.graph.inserting_before(node):
            new = m.graph.call_module(target, (convs[0][1],))
        node.replace_all_uses_with(new)
        m.graph.erase_node(node)
        folded += 1
    return folded


def setattr_path(root: nn.Module, path: str, module: nn.Module) -> None:
    """Put ``module`` at the dotted ``path`` under ``root``."""
    parent, _, name = path.rpartition(".")
    setattr(root.get_submodule(parent) if parent else root, name, module)
