"""Structural re-parameterisation: RepVGG's training form against its fused (deploy) form.

``net.to_torch(fuse=True)`` folds each RepVGG block's 3×3 + 1×1 + identity-BN branches into one 3×3
conv. Both modules hold the same weights; forward passes alternate in a fresh child process
(``python -m bench.reparam NAME ROUNDS THREADS`` prints JSON). No timing is asserted anywhere.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.measure import PYTHON, run_json
from bench.page import Section, Target, table
from bench.runtime import _alternate

MODELS = ("repvgg_a0",)


def child(name: str, rounds: int, threads: int) -> dict[str, Any]:
    import torch

    import archspec

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = archspec.load(name)
    train_form = net.to_torch().eval()
    fused = net.to_torch(weights=train_form.state_dict(), fuse=True)
    x = torch.randn(1, *net.input)
    nop = lambda: None  # noqa: E731 - the CPU needs no synchronisation
    with torch.inference_mode():
        diff = float((train_form(x) - fused(x)).abs().max())
        a, b = _alternate(lambda: train_form(x), lambda: fused(x), rounds, nop, 3)
    count = lambda m: sum(1 for _ in m.modules())  # noqa: E731
    return {"unfused": a, "fused": b, "max_diff": diff, "modules": [count(train_form), count(fused)],
            "convs": [sum(isinstance(m, torch.nn.Conv2d) for m in mod.modules()) for mod in (train_form, fused)]}


def reparam(rounds: int, threads: int, models: tuple[str, ...] = MODELS) -> Section:
    s = Section("Re-parameterisation: RepVGG fused against its training form")
    s.add(f"`net.to_torch(fuse=True)` against `net.to_torch().eval()` with the same weights, CPU, batch 1, "
          f"`torch.set_num_threads({threads})`, medians of {rounds} forward passes per side, sides alternating. "
          "The fused module has each block's three branches (3×3 + BN, 1×1 + BN, identity BN) folded into one "
          "3×3 conv. A ratio is the fused time over the unfused: below 1 is faster.", "")
    rows = []
    for name in models:
        r = run_json([PYTHON, "-m", "bench.reparam", name, str(rounds), str(threads)])
        ratio = r["fused"] / r["unfused"]
        rows.append((name, f"{r['unfused'] * 1e3:.1f} ms", f"{r['fused'] * 1e3:.1f} ms", f"**{ratio:.3f}**",
                     f"{r['convs'][0]} → {r['convs'][1]}", f"{r['modules'][0]} → {r['modules'][1]}",
                     f"{r['max_diff']:.1e}"))
        s.targets.append(Target(f"{name} fused vs unfused (CPU, batch 1)", "faster (< 1)", f"{ratio:.3f}", ratio < 1))
    s.add(*table(("model", "unfused", "fused", "ratio", "convs", "modules", "max abs Δ logits"), rows,
                 right=(1, 2, 3, 6)))
    return s


if __name__ == "__main__":
    name, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(child(name, rounds, threads)))
