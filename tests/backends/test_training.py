"""Every zoo network trains (one forward, backward and optimizer step), and LeNet-5 really learns.

Runs on ``resolve_device("auto")``: CUDA when present, else the CPU; nothing is skipped.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import archspec
from archspec import SpecError
from archspec.backends.torch import resolve_device
from tests.conftest import OP_COVER

DEVICE = resolve_device("auto")
ENTRIES = list(OP_COVER)
RESOLUTIONS = (64, 96, 128, 160, 192, 224)


def small(name: str) -> archspec.Network:
    """The zoo network at 64×64, or the smallest resolution its downsampling allows; LeNet at its own 32×32."""
    net = archspec.load(name)
    if net.input[1] <= 64:
        return net
    for res in RESOLUTIONS:
        try:
            return archspec.load(name, overrides={"resolution": res})
        except SpecError:
            continue
    return net


@pytest.mark.slow
@pytest.mark.parametrize("name", ENTRIES)
def test_every_zoo_network_takes_a_training_step(name: str) -> None:
    net = small(name)
    torch.manual_seed(0)
    model = net.to_torch().to(DEVICE).train()
    params = dict(model.named_parameters())
    assert sum(p.numel() for p in params.values()) == net.params
    before = {k: p.detach().clone() for k, p in params.items()}
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(2, *net.input, device=DEVICE)
    target = torch.tensor([0, 1], device=DEVICE)
    out = model(x)
    assert out.shape == (2, *net.output)
    loss = F.cross_entropy(out, target)
    assert torch.isfinite(loss), f"{name}: loss {loss.item()}"
    opt.zero_grad(set_to_none=True)
    loss.backward()
    missing = [k for k, p in params.items() if p.grad is None]
    assert not missing, f"{name}: no gradient for {missing[:5]}"
    bad = [k for k, p in params.items() if not torch.isfinite(p.grad).all()]
    assert not bad, f"{name}: non-finite gradient for {bad[:5]}"
    assert sum(p.grad.abs().sum().item() for p in params.values()) > 0
    opt.step()
    moved = sum(not torch.equal(before[k], p.detach()) for k, p in params.items())
    assert moved > 0.5 * len(params), f"{name}: only {moved}/{len(params)} parameters changed"


def digits(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled 8×8 digits (no download), upsampled to LeNet's 32×32; an 80/20 split."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0
    x = F.interpolate(x, size=32, mode="bilinear", align_corners=False)
    x = (x - x.mean()) / x.std()
    y = torch.tensor(d.target)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    cut = int(0.8 * len(y))
    return x[perm[:cut]], y[perm[:cut]], x[perm[cut:]], y[perm[cut:]]


def test_lenet5_learns_digits() -> None:
    """LeNet-5 compiled from specs/lenet5.arch reaches ≥ 95% test accuracy on the digits (about a second on CPU).

    Four epochs of batches of 32 reach 96.7-97.2% here for seeds 0, 1 and 2.
    """
    x_train, y_train, x_test, y_test = digits()
    torch.manual_seed(0)
    model = archspec.load("lenet5").to_torch().to(DEVICE)
    x_train, y_train, x_test, y_test = (t.to(DEVICE) for t in (x_train, y_train, x_test, y_test))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(4):
        model.train()
        for idx in torch.randperm(len(y_train), generator=g).split(32):
            idx = idx.to(DEVICE)
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
