"""Analysis without torch: whole processes against the fvcore route, command start times, and the
in-process cost of loading a spec (cold and warm)."""

from __future__ import annotations

from functools import partial

from bench.measure import PYTHON, Paired, alternate, archspec_cmd, mb, median, ms, run_json, run_process
from bench.page import Section, Target, table

# The route a user takes without archspec: import torch and torchvision, build the model, count.
FVCORE = """\
import sys, warnings
warnings.filterwarnings("ignore")
import torch, torchvision
from fvcore.nn import FlopCountAnalysis
name, size = sys.argv[1], int(sys.argv[2])
model = getattr(torchvision.models, name)().eval()
with torch.no_grad():
    flops = FlopCountAnalysis(model, torch.zeros(1, 3, size, size))
    flops.unsupported_ops_warnings(False)
    flops.uncalled_modules_warnings(False)
    print(flops.total())
"""

# archspec's dependencies on the analysis path, imported and nothing else: a floor for its process.
DEPS = [PYTHON, "-c", "from pydantic import BaseModel; import lark, rich.console, rich.table"]

# One fresh process: import archspec, load once (cold), then again and again (warm).
INPROCESS = """\
import json, statistics, sys, time
t0 = time.perf_counter()
import archspec
t1 = time.perf_counter()
net = archspec.load(sys.argv[1])
t2 = time.perf_counter()
warm = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    archspec.load(sys.argv[1])
    warm.append(time.perf_counter() - t)
print(json.dumps({"import": t1 - t0, "cold": t2 - t1, "warm": statistics.median(warm), "layers": len(net.layers),
                  "torch": "torch" in sys.modules}))
"""

MODELS = {"resnet50": 224, "efficientnet_b7": 600}
STARTS = {  # command → what it shows
    "python -c pass": ([PYTHON, "-c", "pass"], "the interpreter alone"),
    "archspec analyze --help": (archspec_cmd("analyze", "--help"), "one command's parser"),
    "archspec check resnet50": (archspec_cmd("check", "resnet50"), "parse, lower, analyse, one line out"),
    "archspec analyze resnet50": (archspec_cmd("analyze", "resnet50"), "the same and the stage table"),
    'python -c "import pydantic, lark, rich"': (DEPS, "archspec's dependencies alone (their modules it uses)"),
    'python -c "import torch"': ([PYTHON, "-c", "import torch"], "for scale: what the analysis path avoids"),
}


def analysis_vs_fvcore(rounds: int, models: dict[str, int] = MODELS, warm: bool = True) -> Section:
    """``warm``: one untimed run of each side first (the page cache); the quick smoke run skips it."""
    s = Section("Analysis: `archspec analyze` against the fvcore route")
    s.add("Two whole processes, run alternately: `archspec analyze NAME` (parse, lower, analyse, print the stage "
          "table) and a script that imports torch and torchvision, builds the torchvision model and runs fvcore's "
          "`FlopCountAnalysis` on one zero image at the model's resolution (below). Wall time is the median of "
          f"{rounds} runs each; peak RSS is each child's own (`wait4`).", "")
    rows = []
    for name, size in models.items():
        ours, theirs = archspec_cmd("analyze", name), [PYTHON, "-c", FVCORE, name, str(size)]
        if warm:  # one untimed run each: page cache
            run_process(ours)
            run_process(theirs)
        rss: dict[str, list[int]] = {"a": [], "b": []}
        floor: list[float] = []  # the dependencies' imports alone, each run right after one of ours
        p = alternate(partial(_run, ours, rss["a"], floor), partial(_run, theirs, rss["b"]), rounds)
        ra, rb = median(rss["a"]), median(rss["b"])
        rows.append((name, f"{size}²", ms(p.ma), ms(p.mb), f"**{p.ratio:.1f}×**", mb(ra), mb(rb), f"{rb / ra:.0f}×"))
        why = "" if p.ratio >= 20 else _why_not_20(p, median(floor))
        s.targets.append(Target(f"`archspec analyze {name}` vs the fvcore route", "≥ 20× faster",
                                f"{p.ratio:.1f}× ({ms(p.ma)} vs {ms(p.mb)})", p.ratio >= 20, why))
    s.add(*table(("model", "input", "archspec analyze", "fvcore route", "speed-up", "archspec RSS", "fvcore RSS",
                  "memory ratio"), rows, right=(2, 3, 4, 5, 6, 7)))
    s.add("The fvcore route:", "", "```python", FVCORE.rstrip(), "```", "")
    return s


def _run(cmd: list[str], rss: list[int], floor: list[float] | None = None) -> float:
    run = run_process(cmd)
    rss.append(run.max_rss_kb)
    if floor is not None:
        floor.append(run_process(DEPS).seconds)
    return run.seconds


def _why_not_20(p: Paired, deps: float) -> str:
    return (f"20× needs the whole process in {ms(p.mb / 20)}; of its {ms(p.ma)}, starting the interpreter and "
            f"importing pydantic, lark and rich (the IR, the parser, the tables) take {ms(deps)} by themselves "
            "(measured beside it), which leaves archspec's own work "
            f"{ms(max(p.ma - deps, 0.0))} against a budget of {ms(max(p.mb / 20 - deps, 0.0))}")


def starts(rounds: int) -> Section:
    s = Section("Command start: process wall time")
    s.add(f"Each command as a whole process, median of {rounds} runs, the commands taken in turn. Bytecode is "
          "compiled beforehand, as `pip install` does. `archspec` never imports torch on these paths.", "")
    samples: dict[str, list[float]] = {k: [] for k in STARTS}
    for cmd, _ in STARTS.values():  # one untimed run each: page cache, bytecode
        run_process(cmd)
    for r in range(rounds):
        order = list(STARTS.items()) if r % 2 == 0 else list(reversed(STARTS.items()))
        for k, (cmd, _) in order:
            samples[k].append(run_process(cmd).seconds)
    rows = [(f"`{k}`", ms(median(samples[k])), what) for k, (_, what) in STARTS.items()]
    s.add(*table(("command", "wall time", "what it does"), rows, right=(1,)))
    return s


def inprocess(warm_rounds: int, models: tuple[str, ...] = tuple(MODELS)) -> Section:
    s = Section("In-process: `archspec.load` + analysis")
    s.add("A fresh process imports archspec (timed), loads the model once (cold: builds the parser from its "
          f"cached tables, reads the prelude and the spec), then {warm_rounds} more times (warm: median). Each load "
          "is parse, resolve, lower and the whole analysis (params, MACs, FLOPs, memory per layer).", "")
    rows = []
    for name in models:
        r = run_json([PYTHON, "-c", INPROCESS, name, str(warm_rounds)])
        rows.append((name, ms(r["import"]), ms(r["cold"]), ms(r["warm"]), f"{r['layers']:,}",
                     "no" if not r["torch"] else "**yes**"))
        if name == "efficientnet_b7":
            s.targets.append(Target("load + analyse efficientnet_b7, warm", "< 20 ms", f"{ms(r['warm'])} (cold {ms(r['cold'])})",
                                    r["warm"] < 0.020))
        s.targets.append(Target(f"no torch on the analysis path ({name})", "torch not imported",
                                "not imported" if not r["torch"] else "imported", not r["torch"]))
    s.add(*table(("model", "import archspec", "first load (cold)", "load (warm, median)", "layers", "torch imported"),
                 rows, right=(1, 2, 3, 4)))
    return s
