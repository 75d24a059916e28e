"""The torch layers and functions archspec's ops need beyond ``torch.nn`` (the generated Python
source copies them, so a standalone file needs only PyTorch)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class StochasticDepth(nn.Module):
    """Drop the whole residual branch per sample with probability ``p`` (training only).

    Huang et al., 2016, "Deep Networks with Stochastic Depth"; the "row" mode of torchvision.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = torch.empty((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype, device=x.device).bernoulli_(keep)
        return x * mask / keep

    def extra_repr(self) -> str:
        return f"p={self.p}"


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of a C×H×W map at each position (ConvNeXt's, as torchvision's
    ``LayerNorm2d``: to channels-last, ``F.layer_norm``, back)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


def zeropad_shortcut(x: torch.Tensor, s: int, pad: int) -> torch.Tensor:
    """The ResNet paper's option A shortcut: subsample by ``s`` and append ``pad`` zero channels."""
    if s > 1:
        x = x[:, :, ::s, ::s]
    return F.pad(x, (0, 0, 0, 0, 0, pad)) if pad else x


def add_all(xs: list[torch.Tensor]) -> torch.Tensor:
    """``x0 + x1 + … + xn``, left to right, as a `sum:` of branches is written by hand."""
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def add_all_(xs: list[torch.Tensor]) -> torch.Tensor:
    """``add_all`` accumulating into the first operand (nothing else reads it)."""
    out = xs[0]
    for x in xs[1:]:
        out += x
    return out


def branch_softmax(x: torch.Tensor, branches: int) -> torch.Tensor:
    """(B, N·C, 1, 1) → a softmax across the N chunks of C channels (a `select:`'s weights), same shape."""
    return x.unflatten(1, (branches, -1)).softmax(1).flatten(1, 2)


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """ShuffleNet's channel shuffle: C channels as ``groups`` × C/groups, transposed, flattened back."""
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(n, c, h, w)
