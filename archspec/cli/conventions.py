"""Tables for ``archspec analyze --convention NAME``, ``--conventions`` and ``--memory``."""

from __future__ import annotations

import argparse

from rich.table import Table

from archspec.cli.common import human, shape
from archspec.conventions import CONVENTIONS, DEFAULT, get
from archspec.conventions.memory import Memory
from archspec.network import Network

_WHAT = ("bias", "norm", "act", "pool")


def positive_int(text: str) -> int:
    """argparse type for ``--batch``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got `{text}`") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def conventions_table(net: Network) -> Table:
    """Every convention: its total, what it counts, and where it departs from ``macs``, by op kind."""
    t = net.tally
    table = Table(title=f"{net.name} — every counting convention, batch 1", header_style="bold",
                  caption="elem: elements of the layer's tensor; Δ: the count minus `macs` (conv+linear MACs, bias "
                          "excluded) by kind of op; formulas in docs/conventions.md")
    table.add_column("convention", no_wrap=True)
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column("unit")
    for what in _WHAT:
        table.add_column(what)
    table.add_column("Δ vs macs", justify="right", no_wrap=True)
    for name, c in CONVENTIONS.items():
        diff = t.difference(name)
        nums = {k: f"{v:+,}" for k, v in diff.items()}
        kw, nw = max(map(len, nums), default=0), max(map(len, nums.values()), default=0)
        lines = "\n".join(f"{k:<{kw}} {v:>{nw}}" for k, v in nums.items())  # equal lines keep the digits aligned
        table.add_row(name, f"{t.total(name):,}", c.unit, *(c.counts.get(w, "") for w in _WHAT), lines,
                      style="bold" if name == DEFAULT else None)
    return table


def convention_table(net: Network, name: str) -> Table:
    """One convention's total split by operator, named as the tool names it."""
    c = get(name)
    t = net.tally
    total = t.total(c.name)
    table = Table(title=f"{net.name} — {c.title}", header_style="bold",
                  caption=f"read from the tool as: {c.reads}" + (f"\n{c.note}" if c.note else ""))
    table.add_column("operator")
    table.add_column(f"{c.unit}s", justify="right")
    table.add_column("share", justify="right")
    for op, v in sorted(t.by_operator(c.name).items(), key=lambda kv: -kv[1]):
        table.add_row(op, f"{v:,}", f"{100 * v / total:.2f}%" if total else "")
    table.add_section()
    table.add_row("total", f"{total:,}", "", style="bold")
    return table


def difference_line(net: Network, name: str) -> str:
    """``ptflops = macs + 43,252,712 (norm +22,227,968, act +19,217,408, …)``."""
    c = get(name)
    t = net.tally
    total, base = t.total(c.name), t.total(DEFAULT)
    if c.name == DEFAULT:
        return f"{c.name}: {total:,}"
    parts = ", ".join(f"{k} {v:+,}" for k, v in t.difference(c.name).items())
    return f"{c.name}: {total:,} = macs {total - base:+,}" + (f" ({parts})" if parts else "")


def layer_table(net: Network, name: str) -> Table:
    """Every layer with its MACs and its count in one convention."""
    c = get(name)
    t = Table(title=f"{net.name} — layers, {c.name}", header_style="bold",
              caption=f"MACs: conv+linear multiply-accumulates; {c.name}: {c.title}; memory: output, fp32, batch 1")
    for col, just in (("layer", "left"), ("op", "left"), ("output", "right"), ("params", "right"), ("MACs", "right"),
                      (c.name, "right"), ("memory", "right")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for i, layer in enumerate(net.layers):
        t.add_row(layer.path, layer.op, shape(layer.out), f"{layer.params:,}", f"{layer.macs:,}",
                  f"{net.tally.layer(i)[c.name]:,}", human(layer.activations * 4, "B"))
    return t


def memory_table(net: Network, batch: int = 1) -> Table:
    """Parameters, activations, torchinfo's estimate and training memory, fp32 beside fp16/bf16."""
    fp32, half = net.memory(batch, "fp32"), net.memory(batch, "bf16")
    table = Table(title=f"{net.name} — memory, batch {batch}", header_style="bold",
                  caption="training = params + buffers + grads + optimizer state + what autograd keeps for backward "
                          "(CUDA; transient workspace not included)")
    table.add_column("")
    table.add_column("fp32", justify="right")
    table.add_column("fp16 / bf16", justify="right")

    def row(label: str, get_bytes, style: str | None = None) -> None:  # type: ignore[no-untyped-def]
        table.add_row(label, human(get_bytes(fp32), "B"), human(get_bytes(half), "B"), style=style)

    row("parameters", lambda m: m.params)
    row("buffers (norm running stats)", lambda m: m.buffers)
    row("activations (every layer output)", lambda m: m.activations)
    row("largest layer output", lambda m: m.peak_activation)
    table.add_section()
    row("gradients", lambda m: m.grads)
    row("SGD momentum state", lambda m: m.sgd_momentum)
    row("Adam state", lambda m: m.adam)
    row("kept for backward", lambda m: m.saved)
    row("training, SGD + momentum", lambda m: m.train_sgd_momentum, "bold")
    row("training, Adam", lambda m: m.train_adam, "bold")
    table.add_section()

    def ti(key: str):  # type: ignore[no-untyped-def]
        return lambda m: m.torchinfo[key]

    row("torchinfo: input size", ti("input_bytes"))
    row("torchinfo: forward/backward pass size", ti("forward_backward_bytes"))
    row("torchinfo: params size", ti("params_bytes"))
    row("torchinfo: estimated total size", ti("total_bytes"), "bold")
    return table


def memory_line(m: Memory) -> str:
    return (f"training at batch {m.batch}, {m.dtype}: {human(m.train_sgd_momentum, 'B')} with SGD + momentum, "
            f"{human(m.train_adam, 'B')} with Adam ({human(m.saved, 'B')} kept for backward)")
