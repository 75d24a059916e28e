"""The explorer's model layer: cached, size-capped analysis that never raises, and plain-data views.

Spec text reaches archspec only through ``archspec.loads`` (never ``archspec.load``, which would
read a string as a path or a zoo name), so nothing a user types can make the app open a file.
Zoo specs are read by entry, from the zoo's own list.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import archspec
from archspec import zoo
from archspec.network import Network

MAX_SPEC_BYTES = 200_000
# Tighter than the library's default: a layer graph this large is already unreadable on screen,
# and a typo such as `x100000` must not tie the server up. 20,000 layers is 18 times the zoo's
# largest (EfficientNetV2-L, 1,091); past it a spec is refused while it is lowered, in a fraction
# of a second, so one user pasting huge specs does not slow the others' script runs (bench/load.py).
BUDGET = archspec.Budget(max_nodes=20_000, max_params=5_000_000_000)
KNOBS = ("alpha", "rho", "phi")
KNOB_SYMBOL = {"alpha": "α", "rho": "ρ", "phi": "φ"}

Overrides = tuple[tuple[str, float], ...]

BLANK_SPEC = """\
# A new network: edit me. Every change re-analyses.
network mynet "my network"
input 3x224x224

stem:
  conv 32 k3 s2

stages basic:   # width  repeats  stride
  64  x2 s1
  128 x2 s2
  256 x2 s2

head:
  avgpool global
  flatten
  fc 1000
"""


@dataclass(frozen=True)
class Problem:
    """Why a spec did not analyse, in the CLI's words."""

    message: str
    report: str  # what the CLI prints: SpecError.format(), or a plain sentence
    line: int | None = None
    col: int | None = None
    hint: str | None = None
    end_line: int | None = None  # where the culprit ends (the editor underlines line:col up to here)
    end_col: int | None = None

    @property
    def headline(self) -> str:
        where = f"line {self.line}:{self.col}: " if self.line is not None else ""
        return where + self.message


@dataclass
class Outcome:
    """An analysed network, or the problem that stopped it."""

    net: Network | None = None
    problem: Problem | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.net is not None


@dataclass(frozen=True)
class Design:
    """One design the explorer can analyse: text plus the settings it is analysed under."""

    name: str
    text: str
    file: str = "spec.arch"
    variant: str | None = None
    overrides: Overrides = ()
    source: str = "editor"  # editor | zoo | variant | pinned


# ---- loading ----------------------------------------------------------------------------------


def size_problem(text: str) -> Problem | None:
    """A clear message for text over the cap, before any parsing happens."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_SPEC_BYTES:
        return None
    msg = f"the spec is {size / 1000:.0f} KB; the explorer takes at most {MAX_SPEC_BYTES // 1000} KB"
    return Problem(msg, msg + "\n  hint: use the command line (`archspec analyze FILE`) for larger specs")


def load_uncached(text: str, file: str = "spec.arch", variant: str | None = None, overrides: Overrides = ()) -> Outcome:
    """Analyse spec text; every failure becomes a ``Problem`` (the app never shows a traceback)."""
    too_big = size_problem(text)
    if too_big is not None:
        return Outcome(problem=too_big)
    t0 = time.perf_counter()
    try:
        net = archspec.loads(text, file, variant, dict(overrides) or None, BUDGET)
    except archspec.SpecError as err:
        flag = re.search(r"--max-[a-z-]+", err.hint or "")
        if flag:  # past a budget: the explorer has no flags to raise it, the command line does
            limit = f" of {BUDGET.max_nodes:,} layers" if flag[0] == "--max-layers" else ""
            err.hint = (f"past the explorer's budget{limit}; the command line takes more: "
                        f"`archspec analyze FILE {flag[0]} N`")
        if err.file not in (None, file):
            # Not located in the text (a knob out of range): the message alone says it.
            report = f"{err.message}" + (f"\n  hint: {err.hint}" if err.hint else "")
            return Outcome(problem=Problem(err.message, report, hint=err.hint))
        end = (err.span.end_line, err.span.end_col) if err.span is not None else (None, None)
        return Outcome(problem=Problem(err.message, err.format(), err.line, err.col, err.hint, *end))
    except RecursionError:
        return Outcome(problem=Problem("spec nested too deeply", "error: spec nested too deeply"))
    except Exception as exc:  # noqa: BLE001 -- a bug in archspec must reach the user as a sentence, not a traceback
        msg = f"internal error: {type(exc).__name__}: {exc}"
        report = msg + "\nthis is a bug in archspec, not in your spec; please report it with the spec"
        return Outcome(problem=Problem(msg, report))
    return Outcome(net=net, seconds=time.perf_counter() - t0)


# Shared by every session, not copied: st.cache_data pickles what it returns on every hit, which for a
# network near the budget took ~0.7 s of the server's one interpreter, holding up every other session.
# A Network is a value: nothing in the explorer changes one. 32 entries of at most ~15 MB each (a
# network at the budget) bound the memory.
@st.cache_resource(max_entries=32, show_spinner=False)
def analyse(text: str, file: str = "spec.arch", variant: str | None = None, overrides: Overrides = ()) -> Outcome:
    """``load_uncached``, cached on the text, file name, variant and knobs."""
    return load_uncached(text, file, variant, overrides)


def analyse_design(d: Design) -> Outcome:
    return analyse(d.text, d.file, d.variant, d.overrides)


# ---- the zoo ----------------------------------------------------------------------------------


def zoo_names() -> list[str]:
    try:
        return [e.name for e in zoo.entries()]
    except Exception:  # noqa: BLE001 -- a broken zoo file must not take the explorer down
        return []


@st.cache_data(show_spinner=False)
def zoo_spec(name: str) -> tuple[str, str, str | None] | None:
    """(text, file name, variant) of a zoo entry, read from the zoo's own file list only."""
    try:
        entry = next((e for e in zoo.entries() if e.name == name), None)
    except Exception:  # noqa: BLE001 -- a broken zoo file: the model is simply unavailable
        return None
    if entry is None:
        return None
    path = Path(entry.spec)
    if not path.is_file():
        path = zoo.specs_dir() / path.name
    try:
        return path.read_text(encoding="utf-8"), path.name, entry.variant
    except (OSError, UnicodeDecodeError):
        return None


# ---- plain-data views -------------------------------------------------------------------------


def human(n: float, unit: str = "") -> str:
    """1234567 → '1.23 M'."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.2f} {suffix}{unit}"
    return f"{n:g} {unit}".strip()


def short(n: float, unit: str = "") -> str:
    """Three significant figures, for narrow places: 157548544 → '158 MB'."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.3g} {suffix}{unit}"
    return f"{n:.3g} {unit}".strip()


def signed(n: float, unit: str = "") -> str:
    """A difference with its sign: +6.40 M, -1.78 M, 0 (ASCII minus: st.metric reads it for the arrow)."""
    if n == 0:
        return "0"
    return ("+" if n > 0 else "-") + human(abs(n), unit)


def shape(s: tuple[int, ...] | list[int]) -> str:
    return "×".join(str(d) for d in s)


def knobs_label(overrides: Overrides) -> str:
    return " ".join(f"{KNOB_SYMBOL.get(k, k)}={v:g}" for k, v in overrides)


def has_compound(net: Network) -> bool:
    """Whether φ does anything: only a ``compound:`` line gives it bases."""
    return any(s.name == "compound" for s in net.spec.settings)


def variant_names(net: Network) -> list[str]:
    return [v.name for v in net.spec.variants]


def _config(info: dict[str, Any]) -> str:
    skip = {"block", "repeats", "widths"}
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in info.items() if k not in skip)


def stage_rows(net: Network) -> list[dict[str, Any]]:
    """Per stage: block, depth, width, stride, output and costs (what tables and diffs show)."""
    blocks_per_stage: dict[str, int] = {}
    for b in net.blocks:
        stage = b.name.split(".", 1)[0]
        blocks_per_stage[stage] = blocks_per_stage.get(stage, 0) + 1
    rows = []
    prev = net.input
    for s in net.stages:
        # Stem and head hold no blocks: no depth to speak of.
        depth = s.info.get("repeats", blocks_per_stage.get(s.name)) or None
        stride = prev[1] // s.out[1] if len(prev) == 3 and len(s.out) == 3 and s.out[1] else None
        rows.append({
            "stage": s.name,
            "block": str(s.info.get("block", "")),
            "depth": depth,
            "width": int(s.out[0]) if s.out else 0,
            "stride": stride,
            "config": _config(s.info),
            "output": shape(s.out),
            "params": s.params,
            "macs": s.macs,
            "memory": s.activations * 4,
            "layers": s.layers,
        })
        prev = s.out
    return rows


def layer_rows(net: Network) -> list[dict[str, Any]]:
    return [
        {"layer": x.path, "op": x.op, "stage": x.stage, "output": shape(x.out), "params": x.params,
         "macs": x.macs, "memory": x.activations * 4}
        for x in net.layers
    ]


def totals(net: Network) -> dict[str, Any]:
    return {"params": net.params, "macs": net.macs, "flops": net.flops, "memory": net.activations * 4,
            "layers": len(net.layers), "input": shape(net.input), "output": shape(net.output)}


@st.cache_data(max_entries=256, show_spinner=False)
def summary(text: str, file: str, variant: str | None, overrides: Overrides) -> dict[str, Any] | None:
    """Totals and stage rows only: what comparisons and sweeps need, cheap to keep and copy."""
    out = load_uncached(text, file, variant, overrides)
    if out.net is None:
        return None
    return {**totals(out.net), "name": out.net.name, "variant": out.net.variant, "stages": stage_rows(out.net),
            "knobs": dict(out.net.config.knobs)}


def summarise(d: Design) -> dict[str, Any] | None:
    return summary(d.text, d.file, d.variant, d.overrides)


def pareto_front(points: list[tuple[float, float]]) -> list[bool]:
    """Which points no other point beats on both axes (fewer params and fewer MACs)."""
    flags = []
    for i, (p, m) in enumerate(points):
        dominated = any(
            (q <= p and n <= m) and (q < p or n < m) for j, (q, n) in enumerate(points) if j != i
        )
        flags.append(not dominated)
    return flags


def sweep_values(knob: str, current: float) -> list[float]:
    """Points to sweep a knob over, always including the current value."""
    grid = {"alpha": [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0],
            "rho": [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0],
            "phi": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}[knob]
    return sorted({round(v, 6) for v in [*grid, current] if math.isfinite(v)})


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(
    text: str, file: str, variant: str | None, overrides: Overrides, knob: str, values: tuple[float, ...]
) -> list[dict[str, Any]]:
    """Params and MACs at each value of one knob, the other knobs held where they are."""
    rows = []
    base = {k: v for k, v in overrides if k != knob}
    for v in values:
        out = load_uncached(text, file, variant, tuple(sorted({**base, knob: v}.items())))
        if out.net is None:
            continue  # past a budget or an impossible stride: the plot simply has no point there
        rows.append({knob: v, "params": out.net.params, "macs": out.net.macs})
    return rows
