"""How the editor features write numbers, shapes and costs (one spelling for hints and hovers)."""

from __future__ import annotations

from typing import Any

from archspec.errors import shape_text


def human(n: float) -> str:
    """1234567 → '1.23 M' (as ``archspec analyze`` prints MACs); below a thousand the number itself."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.2f} {suffix}"
    return f"{n:g}"


def shape(s: tuple[int, ...] | list[int]) -> str:
    """A shape as messages write it: ``256×56×56``."""
    return shape_text(tuple(s))


def arrow(s: tuple[int, ...] | list[int]) -> str:
    """An output shape as an inlay hint shows it: ``→ 256×56×56``."""
    return f"→ {shape(s)}"


def cost(params: int, macs: int) -> str:
    """Parameters and MACs, short: ``1.22 M params · 1.04 G MACs``."""
    return f"{human(params)} params · {human(macs)} MACs"


def exact(params: int, macs: int) -> str:
    """Parameters and MACs, every digit: ``1,219,584 params · 1,037,770,752 MACs``."""
    return f"{params:,} params · {macs:,} MACs"


def value(v: Any) -> str:
    """A resolved value as the language writes it: ``0.25``, ``64``, ``relu``, ``[1, 7]``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return str(v)


def config(info: dict[str, Any], skip: tuple[str, ...] = ("block", "repeats", "widths", "blocks")) -> str:
    """Resolved arguments as ``key=value`` words."""
    return " ".join(f"{k}={value(v)}" for k, v in info.items() if k not in skip)
