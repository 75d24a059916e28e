"""Before/after: archspec's in-process load + analysis at another revision against this working tree.

    .venv/bin/python -m bench.versions REV [--rounds N] [--models resnet50,efficientnet_b7]

The other revision is checked out into a temporary git worktree; both sides run in fresh processes
with the same interpreter, taken in turn (one process a side per round), and each side's figure is the
median of its warm loads. Prints a table with the ratio after/before (above 1: slower now).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.measure import PYTHON, ROOT, run_json
from bench.startup import INPROCESS


def _side(path: Path, model: str, warm: int) -> float:
    env_path = os.pathsep.join([str(path), os.environ.get("PYTHONPATH", "")])
    cache = Path(tempfile.gettempdir()) / f"archspec-bench-{path.name}"  # each side its own parser cache
    cmd = ["env", "-C", str(path), f"PYTHONPATH={env_path}", f"ARCHSPEC_CACHE_DIR={cache}", PYTHON, "-c", INPROCESS, model,
           str(warm)]
    return float(run_json(cmd)["warm"])


def compare(rev: str, models: list[str], rounds: int, warm: int) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before), rev], check=True)
        try:
            rows = []
            for model in models:
                old, new = [], []
                for _ in range(rounds):
                    old.append(_side(before, model, warm))
                    new.append(_side(ROOT, model, warm))
                rows.append((model, statistics.median(old), statistics.median(new)))
            return rows
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("rev", help="the revision to compare against (e.g. a commit before a change)")
    p.add_argument("--rounds", type=int, default=7, help="processes per side (default 7)")
    p.add_argument("--warm", type=int, default=20, help="warm loads per process (default 20)")
    p.add_argument("--models", default="resnet50,efficientnet_b7")
    a = p.parse_args()
    rows = compare(a.rev, a.models.split(","), a.rounds, a.warm)
    print(f"| model | before ({a.rev[:10]}) | after (working tree) | after / before |")
    print("|---|---:|---:|---:|")
    for model, old, new in rows:
        print(f"| {model} | {old * 1000:.1f} ms | {new * 1000:.1f} ms | {new / old:.3f} |")


if __name__ == "__main__":
    main()
