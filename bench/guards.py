"""Time and memory to refuse the resource-guard cases (tests/test_guards.py), as a Markdown table.

    .venv/bin/python -m bench.guards

Each case is loaded once untraced (wall time) and once under tracemalloc (peak of Python
allocations), after a warm-up that builds the parser and reads the prelude. The figures go into
docs/reliability.md; the tests assert only the memory bound, never a time.
"""

from __future__ import annotations

import time
import tracemalloc

import archspec
from archspec import Budget, SpecError
from tests.conftest import spec
from tests.test_guards import HUGE

DOUBLING = "".join(f"block b{i}(c):\n  b{i - 1} c\n  b{i - 1} c\n" for i in range(1, 26))
EXTRA = [
    ("blocks doubling 25 deep (default budget)", spec(DOUBLING + "block b0(c):\n  act\nstem:\n  conv 8 k3\n  b25 8\n")),
    ("60,000 statement lines (120,000 tokens)", spec("stem:\n  conv 8 k3\n" + "  act\n" * 60_000)),
    ("10 MB of text", "x" * 10_000_000),
]


def measure(text: str, budget: Budget | None = None) -> tuple[float, float, str]:
    def run() -> str:
        try:
            archspec.loads(text, "big.arch", budget=budget)
            return "accepted"
        except SpecError as e:
            return f"{e.line}:{e.col} {e.message}"

    t0 = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, outcome


def main() -> None:
    archspec.loads(spec("stem:\n  conv 8 k3\n"))  # warm-up: parser tables, prelude
    print("| case | refused in | peak traced memory | error |")
    print("|---|---:|---:|---|")
    for name, text, *_ in [*HUGE, *EXTRA]:
        seconds, peak, outcome = measure(text)
        shown = outcome if len(outcome) < 90 else outcome[:87] + "..."
        print(f"| {name} | {seconds * 1000:,.0f} ms | {peak:.1f} MB | {shown.replace('|', '/')} |")


if __name__ == "__main__":
    main()
