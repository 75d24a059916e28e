"""What every benchmark shares: child processes with their wall time and peak RSS, alternating
side-by-side timing, medians, and a description of the machine."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Run:
    """One finished child process."""

    seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str = ""
    stderr: str = ""


def run_process(cmd: Sequence[str], *, capture: bool = False, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion: its wall time and its own peak RSS (``wait4``'s rusage, this child
    alone — ``getrusage(RUSAGE_CHILDREN)`` would give the largest of all children so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out if capture else subprocess.DEVNULL, stderr=err, cwd=ROOT,
                                env=env or child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        run = Run(seconds, usage.ru_maxrss, proc.returncode, out.read().decode(errors="replace"),
                  err.read().decode(errors="replace"))
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)[:200]} exited {run.returncode}:\n{run.stderr[-2000:]}")
    return run


def child_env() -> dict[str, str]:
    """The environment children run in: this one, with the repository importable (for ``bench``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def run_json(cmd: Sequence[str]) -> dict:
    """Run a child that prints one JSON object as its last line of output."""
    return json.loads(run_process(cmd, capture=True).stdout.strip().splitlines()[-1])


def archspec_cmd(*args: str) -> list[str]:
    """The ``archspec`` command as installed beside this interpreter (the console script)."""
    script = Path(PYTHON).parent / "archspec"
    if script.exists():
        return [str(script), *args]
    return [PYTHON, "-c", "import sys; from archspec.cli import main; sys.exit(main())", *args]


@dataclass
class Paired:
    """Side-by-side samples of two things, measured alternately (A B, then B A, ...)."""

    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)

    @property
    def ma(self) -> float:
        return statistics.median(self.a)

    @property
    def mb(self) -> float:
        return statistics.median(self.b)

    @property
    def ratio(self) -> float:
        """median(b) / median(a): how many times faster A is than B."""
        return self.mb / self.ma


def alternate(a: Callable[[], float], b: Callable[[], float], rounds: int) -> Paired:
    """Call ``a`` and ``b`` (each returns one measurement) ``rounds`` times each, swapping which goes
    first every round, so drift in the machine's load falls on both sides alike."""
    out = Paired()
    for r in range(rounds):
        order = ((a, out.a), (b, out.b)) if r % 2 == 0 else ((b, out.b), (a, out.a))
        for f, sink in order:
            sink.append(f())
    return out


def timed(f: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def mb(kb: float) -> str:
    return f"{kb / 1024:,.0f} MB"


def precompile() -> None:
    """Write archspec's bytecode, as ``pip install`` does: a checkout run with PYTHONDONTWRITEBYTECODE
    would otherwise compile every module at every start and time the compiler, not archspec."""
    import compileall

    compileall.compile_dir(str(ROOT / "archspec"), quiet=1)


def machine() -> dict[str, str]:
    """The machine and software the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    mem = "unknown"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    for pkg in ("torch", "torchvision", "fvcore", "pydantic", "lark", "rich"):
        try:
            from importlib.metadata import version

            info[pkg] = version(pkg)
        except Exception:  # a missing package is reported as such
            info[pkg] = "not installed"
    return info


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
