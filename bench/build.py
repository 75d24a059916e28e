"""Compile: spec → freshly initialised ``nn.Module``, against torchvision's builders, torch already imported."""

from __future__ import annotations

import os

from bench.measure import PYTHON, ms, run_json
from bench.page import Section, Target, table

MODELS = ("resnet152", "efficientnet_b7")

# A fresh process: import torch, torchvision and archspec (untimed), build once (cold: the first
# build in the process), then in turn: archspec (load + to_torch), torchvision's builder, to_torch
# of a loaded spec, and "eager": the same layers made one by one with PyTorch's per-layer init, as
# the backend made them before.
CHILD = """\
import gc, json, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
import torch, torchvision
import archspec
from archspec.backends.torch import make_layer
name, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
builder = getattr(torchvision.models, name)
gc.collect()  # the imports leave a full collection due, which would land in the first timed build

def clock(f):
    t = time.perf_counter()
    f()
    seconds = time.perf_counter() - t
    gc.collect()  # free the last build's garbage now, not inside the next timing
    return seconds

cold = clock(lambda: archspec.load(name).to_torch())
net = archspec.load(name)
layers = [n for n in net.graph.nodes if n.op not in ("add", "mul", "concat", "zeropad")]
sides = {"ours": lambda: archspec.load(name).to_torch(), "theirs": builder, "build": net.to_torch,
         "eager": lambda: [make_layer(n) for n in layers]}
times = {k: [] for k in sides}
for r in range(rounds):
    keys = list(sides)[r % 4:] + list(sides)[:r % 4]  # each side first in turn
    for k in keys:
        times[k].append(clock(sides[k]))
out = {k: statistics.median(v) for k, v in times.items()}
print(json.dumps({"cold": cold, "params": net.params, **out}))
"""


def build(rounds: int, models: tuple[str, ...] = MODELS, one_thread: bool = True) -> Section:
    """``one_thread``: also under one thread (besides every core); the quick smoke run leaves it out."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    counts = (usable, 1) if usable > 1 and one_thread else (usable,)
    s = Section("Compile: spec → `nn.Module`")
    s.add("In a process that has already imported torch (~1–2 s, not counted): `archspec.load(name).to_torch()` "
          "— parse, lower, analyse, build the module tree and initialise every weight — against torchvision's "
          f"builder, taken in turn, median of {rounds}, under `torch.set_num_threads(n)` for n = "
          f"{' and '.join(map(str, counts))}. *Cold* is the first build in the process (after a `gc.collect()` that "
          "settles the imports' garbage).", "",
          "The layers are made on the meta device, then allocated and initialised at once with PyTorch's default "
          "distributions, the uniform draws split over the threads (`archspec/backends/init.py`). *Eager layers* is "
          "the cost of making the same layers one at a time with PyTorch's per-layer init, as the backend made them "
          "before (layer by layer). With one thread the draws cannot be shared, and the meta path costs about "
          "what the eager one did. torchvision's builders initialise differently (kaiming normal): theirs is a "
          "reference.", "")
    rows = []
    for threads in counts:
        for name in models:
            r = run_json([PYTHON, "-c", CHILD, name, str(rounds), str(threads)])
            rows.append((name, str(threads), f"{r['params'] / 1e6:.1f} M", ms(r["cold"]), f"**{ms(r['ours'])}**",
                         ms(r["build"]), ms(r["eager"]), ms(r["theirs"]), f"{r['theirs'] / r['ours']:.2f}×"))
            if threads != usable:
                continue
            s.targets.append(Target(f"compile {name} (load + to_torch, torch imported)", "< 300 ms",
                                    f"{ms(r['ours'])} (median)", r["ours"] < 0.3))
            s.targets.append(Target(f"compile {name}, first build in a fresh process", "< 300 ms", ms(r["cold"]),
                                    r["cold"] < 0.3, "" if r["cold"] < 0.3 else _why_cold(r)))
    s.add(*table(("model", "threads", "params", "cold", "load + to_torch", "to_torch alone", "eager layers",
                  "torchvision builder", "torchvision / archspec"), rows, right=(1, 2, 3, 4, 5, 6, 7, 8)))
    return s


def _why_cold(r: dict) -> str:
    return (f"the first build also pays the first load (the parser's tables read back, the first parse) and the "
            f"kernel's first touch of "
            f"{r['params'] * 4 / 2**20:,.0f} MiB of fresh pages, about {ms(r['cold'] - r['ours'])} more than later builds; "
            f"most of the rest is drawing {r['params'] / 1e6:.0f} M uniform numbers with torch's generator, spread over "
            "this machine's threads")
