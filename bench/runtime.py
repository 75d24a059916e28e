"""Runtime: the compiled module against torchvision's, same weights, forward latency and throughput.

CPU always; CUDA (channels_last, bf16 autocast, eager and ``torch.compile``) when there is a GPU.
Each measurement runs in a fresh child process (``python -m bench.runtime cpu|gpu ...``) that prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

from bench.measure import PYTHON, run_json
from bench.page import Section, Target, table

CPU_MODELS = ("resnet50", "efficientnet_b0")
GPU_MODELS = {"resnet50": 256, "efficientnet_b0": 256}  # batch sizes
# Dense bf16 tensor-core peaks (TFLOP/s, no sparsity) from the vendors' data sheets, by device name.
BF16_PEAK = {"H200": 989.4, "H100 SXM": 989.4, "H100 NVL": 835.0, "H100 PCIe": 756.0, "H100": 756.0, "GH200": 989.4,
             "A100": 312.0, "L40S": 362.1, "L4": 121.0, "A10G": 70.0, "A10": 125.0, "RTX 4090": 165.2}


def _pair(name: str, device: str) -> tuple[Any, Any, Any]:
    """archspec's module and torchvision's, torchvision's weights copied into ours by position (eval mode)."""
    import torchvision

    import archspec
    from archspec.backends.torch import copy_by_position

    net = archspec.load(name)
    theirs = getattr(torchvision.models, name)().eval().to(device)
    ours = net.to_torch().eval().to(device)
    copy_by_position(ours, theirs.state_dict())
    return net, ours, theirs


def _clock(f: Any, sync: Any) -> float:
    sync()
    t = time.perf_counter()
    f()
    sync()
    return time.perf_counter() - t


def _alternate(fa: Any, fb: Any, rounds: int, sync: Any, warmup: int) -> tuple[float, float]:
    """Median seconds of fa and fb, called in turn (a b, b a, ...) after ``warmup`` calls each."""
    for _ in range(warmup):
        fa()
        fb()
    a: list[float] = []
    b: list[float] = []
    for r in range(rounds):
        for f, sink in ((fa, a), (fb, b)) if r % 2 == 0 else ((fb, b), (fa, a)):
            sink.append(_clock(f, sync))
    return statistics.median(a), statistics.median(b)


def child_cpu(name: str, rounds1: int, rounds32: int, threads: int) -> dict[str, Any]:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net, ours, theirs = _pair(name, "cpu")
    try:
        from archspec.backends.fuse import fuse
    except ImportError:  # the inference pass is newer than this benchmark
        fuse = None
    fused = fuse(ours) if fuse else None
    try:
        from archspec.backends.fuse import trace
    except ImportError:  # the module tree is newer than this benchmark
        trace = None
    # The same module traced flat (one fx graph calling every layer, as the backend built it before the tree).
    flat = trace(ours).eval() if trace else None
    c, h, w = net.input
    out: dict[str, Any] = {"threads": threads, "macs": net.macs}
    with torch.inference_mode():
        x1, x32 = torch.randn(1, c, h, w), torch.randn(32, c, h, w)
        out["max_diff"] = float((ours(x1) - theirs(x1)).abs().max())
        nop = lambda: None  # noqa: E731 - the CPU needs no synchronisation
        out["b1"] = _alternate(lambda: ours(x1), lambda: theirs(x1), rounds1, nop, 3)
        if fused is not None:
            out["max_diff_fused"] = float((fused(x1) - theirs(x1)).abs().max())
            out["b1_fused"] = _alternate(lambda: fused(x1), lambda: theirs(x1), rounds1, nop, 3)
        out["b32"] = _alternate(lambda: ours(x32), lambda: theirs(x32), rounds32, nop, 1)
        if flat is not None:
            out["b1_flat"] = _alternate(lambda: ours(x1), lambda: flat(x1), rounds1, nop, 3)
    return out


def child_gpu(name: str, batch: int, rounds: int) -> dict[str, Any]:
    import torch

    torch.manual_seed(0)
    torch.backends.cudnn.benchmark = True
    net, ours, theirs = _pair(name, "cuda")
    ours, theirs = ours.to(memory_format=torch.channels_last), theirs.to(memory_format=torch.channels_last)
    c, h, w = net.input
    x = torch.randn(batch, c, h, w, device="cuda").to(memory_format=torch.channels_last)
    sync = torch.cuda.synchronize
    out: dict[str, Any] = {"device": torch.cuda.get_device_name(), "macs": net.macs, "batch": batch}
    with torch.inference_mode(), torch.autocast("cuda", dtype=torch.bfloat16):
        out["eager"] = _alternate(lambda: ours(x), lambda: theirs(x), rounds, sync, 5)
        co, ct = torch.compile(ours), torch.compile(theirs)
        out["compiled"] = _alternate(lambda: co(x), lambda: ct(x), rounds, sync, 5)
    return out


def cpu(rounds1: int, rounds32: int, threads: int, models: tuple[str, ...] = CPU_MODELS) -> Section:
    s = Section("Runtime on CPU: the compiled module against torchvision's")
    s.add(f"Same weights (torchvision's, copied into ours by position with `copy_by_position`), eval mode, "
          f"`torch.inference_mode()`, `torch.set_num_threads({threads})`, one fresh process per model. Forward "
          f"passes alternate between the two sides after a warm-up; medians of {rounds1} calls at batch 1 and "
          f"{rounds32} at batch 32. *Fused* is `net.to_torch(fuse=True)`'s pass (BatchNorm folded into the conv "
          "before it, identities dropped) on the same weights. A ratio is archspec's time over torchvision's: "
          "below 1 is faster. *Tree / flat* is the module tree's time at batch 1 (a class per block, stages as "
          "`nn.Sequential`, each forward generated code) over the same module traced into one flat fx graph, as "
          "the backend built it before: what the tree's containers cost.", "")
    rows = []
    for name in models:
        r = run_json([PYTHON, "-m", "bench.runtime", "cpu", name, str(rounds1), str(rounds32), str(threads)])
        (o1, t1), (o32, t32) = r["b1"], r["b32"]
        f1, tf1 = r.get("b1_fused", (float("nan"), float("nan")))
        tree, flat = r.get("b1_flat", (float("nan"), float("nan")))
        rows.append((name, "1", f"{o1 * 1e3:.1f} ms", f"{t1 * 1e3:.1f} ms", f"{o1 / t1:.3f}", f"{f1 * 1e3:.1f} ms",
                     f"**{f1 / tf1:.3f}**", f"{tree / flat:.3f}", f"{r['max_diff']:.1e}"))
        rows.append((name, "32", f"{32 / o32:.1f} img/s", f"{32 / t32:.1f} img/s", f"{o32 / t32:.3f}", "", "", "", ""))
        if "b1_flat" in r:
            s.targets.append(Target(f"CPU batch 1, {name} module tree vs flat fx graph", "ratio ≤ 1.05",
                                    f"{tree / flat:.3f}", tree / flat <= 1.05))
        worst = max(o1 / t1, o32 / t32)
        s.targets.append(Target(f"CPU runtime {name} vs torchvision (batch 1 and 32)", "ratio ≤ 1.02",
                                f"{o1 / t1:.3f} (batch 1), {o32 / t32:.3f} (batch 32)", worst <= 1.02))
        s.targets.append(Target(f"CPU batch 1, {name} fused vs torchvision eager", "faster (< 1)", f"{f1 / tf1:.3f}",
                                f1 / tf1 < 1 if "b1_fused" in r else None, "" if "b1_fused" in r else "no fuse pass"))
    s.add(*table(("model", "batch", "archspec", "torchvision", "ratio", "archspec fused", "fused ratio",
                  "tree / flat", "max abs Δ logits"), rows, right=(1, 2, 3, 4, 5, 6, 7, 8)))
    return s


def gpu(rounds: int, models: dict[str, int] = GPU_MODELS) -> Section:
    s = Section("Runtime on GPU: channels_last, bf16 autocast, eager and torch.compile")
    reason = _no_gpu_reason()
    if reason:
        s.add(f"**Not run**: {reason}. The section measures, per model, images/s of both modules (same weights) "
              "in eager mode and under `torch.compile`, their ratio, and the fraction of the GPU's dense bf16 "
              "peak that the achieved rate implies (2 × MACs per image); `python -m bench` runs it on a machine "
              "with CUDA.", "")
        s.targets.append(Target("GPU runtime vs torchvision (eager and compiled)", "ratio ≈ 1", "—", None, reason))
        return s
    s.add(f"Same weights, eval mode, `torch.inference_mode()`, channels_last, `torch.autocast('cuda', bfloat16)`, "
          f"cudnn benchmark on; medians of {rounds} batches per side after a warm-up, sides alternating. The peak is "
          "the data sheet's dense bf16 tensor-core rate; achieved = images/s × 2 × MACs.", "")
    rows = []
    for name, batch in models.items():
        r = run_json([PYTHON, "-m", "bench.runtime", "gpu", name, str(batch), str(rounds)])
        peak = next((v for k, v in BF16_PEAK.items() if k in r["device"]), None)
        for mode in ("eager", "compiled"):
            o, t = r[mode]
            ips_o, ips_t = batch / o, batch / t
            frac = f"{ips_o * 2 * r['macs'] / 1e12 / peak:.1%}" if peak else "peak unknown"
            rows.append((name, mode, str(batch), f"{ips_o:,.0f}", f"{ips_t:,.0f}", f"{t / o:.3f}", frac))
            s.targets.append(Target(f"GPU {mode} {name} vs torchvision", "ratio ≥ 0.98 (throughput)", f"{t / o:.3f}",
                                    t / o >= 0.98))
        s.add(f"Device: {r['device']}.", "")
    s.add(*table(("model", "mode", "batch", "archspec img/s", "torchvision img/s", "throughput ratio", "of bf16 peak"),
                 rows, right=(2, 3, 4, 5, 6)))
    return s


def _no_gpu_reason() -> str | None:
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return ("no CUDA device on this machine (`torch.cuda.is_available()` is False): the session that ran "
                "this had no GPU")
    return None


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    if kind == "cpu":
        result = child_cpu(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif kind == "gpu":
        result = child_gpu(args[0], int(args[1]), int(args[2]))
    else:
        raise SystemExit("usage: python -m bench.runtime cpu NAME ROUNDS1 ROUNDS32 THREADS | gpu NAME BATCH ROUNDS")
    print(json.dumps(result))
