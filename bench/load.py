"""The explorer under load: N simulated users, each running a classroom script in its own browser tab.

    .venv/bin/python -m bench.load --users 1 5 10 20 --out bench/load.json

Each user opens a zoo model, breaks the spec (a typo: sees the error), fixes it with a change
(sees the new diagram), moves α, opens the Scale tab, compares three models and exports the
analysis. The server (``archspec explore``) is pinned to one core and this process with its
Chromium to the other (``taskset``), so that the browsers do not starve the server; the server
writes one line per script run (``ARCHSPEC_EXPLORER_TIMINGS``), the browsers' latencies are
measured here, and both sides' CPU and the server's memory are sampled throughout.
Only loopback addresses are used; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archspec.explorer import TIMINGS_ENV

LAYOUT_ENV = "ARCHSPEC_EXPLORER_LAYOUT"  # archspec.explorer.render's; importing that module imports Streamlit

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-extensions", "--mute-audio"]
MODELS = ("resnet50", "mobilenet_v2", "efficientnet_b0", "resnet18", "densenet121", "googlenet")
COMPARE = "resnet18,mobilenet_v2,efficientnet_b0"
STEP_TIMEOUT_MS = 120_000
EDITOR = 'iframe[title="archspec.explorer.editor.spec_editor"]'  # the spec editor (CodeMirror) in its frame
RUNNING = '[data-testid="stStatusWidgetRunningIcon"]'
STEPS = ("open", "typo→error", "fix→diagram", "α→metrics", "Scale tab", "Compare tab", "Export tab")


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


# ---- the server and its samples ---------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children") if Path(f"/proc/{p}/task").exists() else []:
            try:
                todo.extend(int(k) for k in task.read_text().split())
            except OSError:
                continue
    return out


class Sampler:
    """CPU seconds of the server and of the client (this process, Playwright's driver and the
    browsers it starts), and the server's RSS, sampled every ``period_s``. A client process's
    time is its last sample's: one that exits loses at most one period."""

    def __init__(self, server_pid: int, period_s: float = 0.5) -> None:
        self.server_pid, self.period_s = server_pid, period_s
        self.rss: list[tuple[float, float]] = []
        self._client: dict[int, float] = {}  # pid → CPU seconds when last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the server and of the client."""
        self._sample_client()
        return _cpu_seconds([self.server_pid]), sum(self._client.values())

    def _sample_client(self) -> None:
        server = set(_descendants(self.server_pid))
        for pid in _descendants(os.getpid()):
            if pid not in server:
                self._client[pid] = max(self._client.get(pid, 0.0), _cpu_seconds([pid]))

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.wait(self.period_s):
            self.rss.append((time.monotonic() - t0, _rss_mb(self.server_pid)))
            self._sample_client()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@contextmanager
def server(port: int, timings: Path, core: int) -> Iterator[subprocess.Popen]:
    cmd = ["taskset", "-c", str(core), sys.executable, "-m", "archspec", "explore", "--port", str(port),
           "--address", "127.0.0.1"]
    env = {**os.environ, TIMINGS_ENV: str(timings), "OMP_NUM_THREADS": "1"}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("the explorer did not start:\n" + log.read().decode(errors="replace")[-2000:])
            time.sleep(0.25)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


# ---- one user's script ------------------------------------------------------------------------------


async def _idle(page: Any) -> None:
    """Until the script run the last action started is over (no running indicator for a moment)."""
    await page.wait_for_timeout(150)
    await page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=STEP_TIMEOUT_MS)


async def _metric(page: Any, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return str(await card.locator('[data-testid="stMetricValue"]').inner_text())


async def _wait_change(page: Any, read: Any, before: str) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        now = await read()
        if now and now != before:
            return
        await page.wait_for_timeout(50)
    raise TimeoutError("nothing changed")


async def _diagram(page: Any) -> str:
    loc = page.locator('.archspec-diagram svg, [data-testid="stGraphVizChart"] svg')
    return str(await loc.first.inner_html()) if await loc.count() else ""


async def user(browser: Any, url: str, model: str, timings: dict[str, list[float]], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)

    async def step(name: str, coro: Any) -> None:
        t0 = time.perf_counter()
        await coro
        timings.setdefault(name, []).append(time.perf_counter() - t0)

    try:
        await step("open", _open(page, f"{url}/?model={model}&page=Edit&compare={COMPARE}"))
        text = await _text(page)
        await step("typo→error", _edit(page, text.replace("network ", "netwrk ", 1), error=True))
        before = await _diagram(page)
        changed = text.replace("head:", "stage extra:\n  conv 16 k1\n\nhead:", 1) if "head:" in text else text + "\n"
        await step("fix→diagram", _edit(page, changed, diagram_before=before))
        params = await _metric(page, "Params")
        await step("α→metrics", _alpha(page, params))
        await step("Scale tab", _tab(page, "Scale", '[data-testid="stVegaLiteChart"]'))
        await step("Compare tab", _tab(page, "Compare", '[data-testid="stVegaLiteChart"]'))
        await step("Export tab", _export(page))
    except Exception as exc:  # noqa: BLE001 -- a failed script is counted, not fatal to the run
        errors.append(f"{model}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def _editor(page: Any) -> Any:
    """The spec editor's frame, once CodeMirror is up in it."""
    frame = await (await page.wait_for_selector(EDITOR)).content_frame()
    await frame.wait_for_function("() => window.archspecEditor !== undefined")
    return frame


async def _text(page: Any) -> str:
    return str(await (await _editor(page)).evaluate("() => window.archspecEditor.view.state.doc.toString()"))


async def _type(page: Any, text: str) -> None:
    """Replace the editor's text as a paste does; the editor sends it once typing pauses (no Ctrl+Enter)."""
    frame = await _editor(page)
    await frame.evaluate("t => { const v = window.archspecEditor.view; v.dispatch({changes: {from: 0, "
                         "to: v.state.doc.length, insert: t}, userEvent: 'input.paste'}); }", text)
    await frame.wait_for_function("() => window.archspecEditor.seq() > 0"
                                  " && document.body.dataset.analysed === String(window.archspecEditor.seq())"
                                  " && window.archspecEditor.view.state.doc.toString() === window.archspecEditor.sentText()")


async def _open(page: Any, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector(EDITOR)
    await page.wait_for_selector('[data-testid="stMetric"]')
    await _idle(page)


async def _edit(page: Any, text: str, error: bool = False, diagram_before: str = "") -> None:
    await _type(page, text)
    if error:
        await page.wait_for_selector('[data-testid="stAlertContentError"]')
    else:
        await page.wait_for_selector('[data-testid="stAlertContentSuccess"]')
        await _wait_change(page, lambda: _diagram(page), diagram_before)
    await _idle(page)


async def _alpha(page: Any, params_before: str) -> None:
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    await thumb.focus()
    await thumb.press("ArrowLeft")
    await _wait_change(page, lambda: _metric(page, "Params"), params_before)
    await _idle(page)


async def _tab(page: Any, title: str, ready: str) -> None:
    await page.locator('[data-testid="stTab"]').filter(has_text=title).first.click()
    await page.wait_for_selector(ready)
    await _idle(page)


async def _export(page: Any) -> None:
    await page.locator('[data-testid="stTab"]').filter(has_text="Export").first.click()
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text="Analysis (JSON)").first
    async with page.expect_download() as info:
        await button.click()
    download = await info.value
    await download.path()


# A spec near the explorer's budget: ResNet-18 with 4,000 blocks in its first stage (~28,000 layers).
HOSTILE_REPEATS = 2800  # ResNet-18 with 2,800 blocks in its first stage: ~19,600 layers, just under the explorer's budget
SERVER_P95_BUDGET_S = 1.0  # the budget: a script run on the server, p95, at 10 users


# ResNet-18's first stage row (`64  x2 s1`, however it is aligned): its repeat count is what gets huge.
_FIRST_ROW = re.compile(r"^(\s*64\s+x)2(\s)", re.M)


async def hostile(browser: Any, url: str, done: asyncio.Event, count: list[int], problems: list[str]) -> None:
    """Paste a huge spec and a slightly different one, over and over, until the other users are done.
    Its own latencies are not measured; that it never pasted is reported (``problems``)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        await _open(page, f"{url}/?model=resnet18&page=Edit&tag=hostile")
        text = await _text(page)
        if not _FIRST_ROW.search(text):
            raise RuntimeError("resnet18's text has no `64 x2` stage row to make huge")
        while not done.is_set():
            await _type(page, _FIRST_ROW.sub(rf"\g<1>{HOSTILE_REPEATS + count[0] % 7}\2", text, count=1))
            await _idle(page)
            count[0] += 1
    except Exception as exc:  # noqa: BLE001 -- a hostile user's failure is not a user's: reported apart
        problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        await context.close()


async def run_level(url: str, users: int, rounds: int, hostiles: int = 0) -> tuple[dict[str, list[float]], list[str], float]:
    from playwright.async_api import async_playwright

    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        done, pasted, problems = asyncio.Event(), [0], []
        spoilers = [asyncio.create_task(hostile(browser, url, done, pasted, problems)) for _ in range(hostiles)]
        t0 = time.perf_counter()
        for r in range(rounds):
            await asyncio.gather(*(user(browser, url, MODELS[(i + r) % len(MODELS)], timings, errors) for i in range(users)))
        wall = time.perf_counter() - t0
        done.set()
        await asyncio.gather(*spoilers)
        if hostiles:
            timings["hostile pastes"] = [float(pasted[0])]
            errors += [f"hostile user: {p}" for p in problems[:2]]
        await browser.close()
    return timings, errors, wall


# ---- the page ---------------------------------------------------------------------------------------

BEGIN, END = "<!-- explorer-load: written by python -m bench.load -->", "<!-- /explorer-load -->"


def markdown(data: dict[str, Any], compare: dict[str, Any] | None = None, base: dict[str, Any] | None = None,
             hostile: dict[str, Any] | None = None) -> str:
    """The section of docs/benchmarks.md: one row per number of users (and per level of ``compare``,
    a run with the other diagram layout, set against ``base``: a run of this layout taken just before it;
    and per level of ``hostile``, a run with users pasting a huge spec meanwhile)."""
    from bench.page import table

    def pair(row: dict[str, Any], step: str) -> str:
        s = row["steps"].get(step)
        return f"{s['p50']:.2f} / {s['p95']:.2f}" if s else "—"

    rows = []
    runs = [(r, str(r["users"])) for r in data["levels"]]
    runs += [(r, f"{r['users']}, {base['layout']} layout, paired") for r in (base or {}).get("levels", []) if compare]
    runs += [(r, f"{r['users']}, {compare['layout']} layout, paired") for r in (compare or {}).get("levels", [])]
    runs += [(r, f"{r['users']} + {r['hostile']} hostile") for r in (hostile or {}).get("levels", [])]
    for r, label in runs:
        rows.append((label, f"{r['scripts']} ({r['failed']} failed)", f"{r['server_p50_s']:.3f} / {r['server_p95_s']:.3f}",
                     f"{r['server_cpu']:.2f}", pair(r, "open"), pair(r, "typo→error"), pair(r, "fix→diagram"),
                     pair(r, "α→metrics"), pair(r, "Scale tab"), pair(r, "Compare tab"), pair(r, "Export tab"),
                     f"{r['client_cpu']:.2f}", f"{r['rss_start_mb']} → {r['rss_end_mb']}"))
    rss = [m for _, m in data["rss_mb"]]
    lines = [
        BEGIN, "## Explorer under load", "",
        f"`python -m bench.load --users {' '.join(str(r['users']) for r in data['levels'])} --rounds {data['rounds']}`"
        f" ({data['layout']} layout, {data['minutes']:.1f} min, load average before {data['load_before']}, after "
        f"{data['load_after']}). Each simulated user, in its own Chromium tab, opens a zoo model, breaks the spec (sees "
        "the error), fixes it with a new stage (sees the new diagram), moves α, opens the Scale tab, compares three "
        "models and exports the analysis. The server (`archspec explore`) runs on core 0 and the browsers on core 1 "
        "(`taskset`); the server logs each script run's time (`ARCHSPEC_EXPLORER_TIMINGS`), the browser-observed "
        "latencies are p50 / p95 in seconds, CPU shares are in cores (1.00 = one core busy), memory is the "
        "server's RSS in MB.", "",
        *table(("users", "scripts", "server run p50 / p95 s", "server CPU", "open", "typo → error", "fix → diagram",
                "α → metrics", "Scale tab", "Compare tab", "Export tab", "browsers' CPU", "server MB"), rows,
               right=range(2, 13)),
        f"Server memory over the whole run: {rss[0] if rss else 0} MB as it started, {max(rss, default=0)} MB at most, "
        f"{rss[-1] if rss else 0} MB at the end ({len(data['rss_mb'])} samples).",
        *([f"Meanwhile {data['levels'][0]['hostile']} more user(s) pasted a {HOSTILE_REPEATS:,}-block spec over and over "
           f"({', '.join(str(r['hostile_pastes']) for r in data['levels'])} pastes per level); the server columns "
           "leave their runs out."] if data["levels"] and data["levels"][0].get("hostile") else []),
        "", END,
    ]
    lines[-2:-2] = ["", "Where the time goes: " + " ".join(
        f"at {r['users']} users the server was busy {r['server_cpu']:.2f} of its core and its script runs took "
        f"{r['server_p95_s']:.2f} s at p95, while the browsers kept their core {r['client_cpu']:.2f} busy;"
        for r in data["levels"]) + " so what a user waits for beyond the first user is the browsers' own core (page "
        "load, rendering, and the charts' layout), not the server. With one core for every browser, as here, the "
        "browser-observed figures are an upper bound: real users each bring their own CPU."]
    if compare:
        new = {r["users"]: r for r in (base or data)["levels"]}
        notes = [f"{r['users']} users: fix → diagram {pair(new[r['users']], 'fix→diagram')} s with the server's SVG "
                 f"against {pair(r, 'fix→diagram')} s laid out in each browser, the browsers' CPU "
                 f"{new[r['users']]['client_cpu']:.2f} against {r['client_cpu']:.2f}"
                 for r in compare["levels"] if r["users"] in new]
        lines[-2:-2] = ["", "The paired rows were taken one right after the other, on a quieter machine than the main run. "
                        "Diagrams laid out once on the server (Graphviz's `dot`, the SVG cached and shared) against "
                        "laid out by every browser (`ARCHSPEC_EXPLORER_LAYOUT=browser`, the old way): " + "; ".join(notes)
                        + "."]
    if hostile:
        lines[-2:-2] = ["", hostile_note(data, hostile)]
    errors = [e for r in data["levels"] for e in r["errors"]]
    if errors:
        lines[-2:-2] = ["", "Failed scripts (first five per level): " + "; ".join(errors) + "."]
    return "\n".join(lines) + "\n"


def hostile_note(data: dict[str, Any], hostile: dict[str, Any]) -> str:
    """What users pasting a huge spec over and over did to the others: the "+ hostile" rows against the
    rows of the main run with as many users."""
    quiet = {r["users"]: r for r in data["levels"]}
    parts = []
    for r in hostile["levels"]:
        q = quiet.get(r["users"])
        budget = "within" if r["server_p95_s"] < SERVER_P95_BUDGET_S else "over"
        against = f" against {q['server_p95_s']:.2f} s without them" if q else ""
        browsers = (f"; in their browsers, whose core the hostile tabs share, fix → diagram took "
                    f"{r['steps'].get('fix→diagram', {}).get('p95', float('nan')):.2f} s at p95 against "
                    f"{q['steps'].get('fix→diagram', {}).get('p95', float('nan')):.2f} s") if q else ""
        parts.append(f"with {r['users']} users, {r['hostile']} more pasted a {HOSTILE_REPEATS:,}-block spec "
                     f"{r['hostile_pastes']} times: the others' script runs took {r['server_p95_s']:.2f} s at p95"
                     f"{against} ({budget} the {SERVER_P95_BUDGET_S:g} s budget){browsers}; {r['failed']} of their "
                     f"{r['scripts']} scripts failed")
    cmd = " ".join(f"--{k} {v}" for k, v in (("users", " ".join(str(r["users"]) for r in hostile["levels"])),
                                             ("rounds", hostile["rounds"]),
                                             ("hostile", hostile["levels"][0]["hostile"] if hostile["levels"] else 0)))
    return (f"Hostile users (`python -m bench.load {cmd}`, {hostile['minutes']:.1f} min, load average before "
            f"{hostile['load_before']}): " + "; ".join(parts) + ". A huge spec is refused or analysed within its "
            "session's budgets, and its runs are left out of the server columns of the \"+ hostile\" rows.")


def write_section(page: Path, section: str) -> None:
    """Put the section into the page, replacing the one there."""
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    page.write_text(text, encoding="utf-8")


# ---- the run --------------------------------------------------------------------------------------


def _server_runs(path: Path, since: float) -> list[float]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r["seconds"] for r in rows if r["t"] >= since and r.get("tag") != "hostile"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, nargs="+", default=[1, 5, 10, 20])
    ap.add_argument("--rounds", type=int, default=2, help="script runs per user at each level (default 2)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hostile", type=int, default=0, metavar="K",
                    help=f"K more users paste a huge spec ({HOSTILE_REPEATS:,} blocks) over and over meanwhile")
    ap.add_argument("--server-core", type=int, default=0)
    ap.add_argument("--client-core", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("bench/load.json"), help="the raw figures (JSON)")
    ap.add_argument("--page", type=Path, help="also write the section into this page (docs/benchmarks.md)")
    ap.add_argument("--compare", type=Path, help="a run with the other layout (its --out JSON), shown beside this one")
    ap.add_argument("--compare-base", type=Path, help="a run of this layout taken just before --compare's")
    ap.add_argument("--hostile-run", type=Path, help="a run with --hostile (its --out JSON), shown beside this one")
    ap.add_argument("--render-only", action="store_true", help="write --page from the --out JSON, without running")
    args = ap.parse_args()
    compare = json.loads(args.compare.read_text()) if args.compare else None
    base = json.loads(args.compare_base.read_text()) if args.compare_base else None
    spoiled = json.loads(args.hostile_run.read_text()) if args.hostile_run else None
    if args.render_only:
        write_section(args.page, markdown(json.loads(args.out.read_text()), compare, base, spoiled))
        print(f"wrote the section into {args.page}")
        return
    load_before, t_start = " ".join(f"{x:.2f}" for x in os.getloadavg()), time.perf_counter()
    os.sched_setaffinity(0, {args.client_core})  # this process and the browsers it starts
    timings_log = Path(tempfile.mkdtemp()) / "timings.jsonl"
    url = f"http://127.0.0.1:{args.port}"
    results: list[dict[str, Any]] = []
    with server(args.port, timings_log, args.server_core) as proc, Sampler(proc.pid) as sampler:
        asyncio.run(run_level(url, 1, 1))  # warm-up: the zoo parsed, the caches filled
        for n in args.users:
            since, rss0 = time.time(), _rss_mb(proc.pid)
            s0, c0 = sampler.cpu()
            timings, errors, wall = asyncio.run(run_level(url, n, args.rounds, args.hostile))
            s1, c1 = sampler.cpu()
            runs = _server_runs(timings_log, since)
            pastes = int(timings.pop("hostile pastes", [0.0])[0])
            row = {
                "users": n, "hostile": args.hostile, "hostile_pastes": pastes,
                "scripts": n * args.rounds, "failed": len(errors), "errors": errors[:5], "wall_s": round(wall, 1),
                "server_runs": len(runs), "server_p50_s": round(percentile(runs, 50), 3),
                "server_p95_s": round(percentile(runs, 95), 3), "server_max_s": round(max(runs, default=0), 3),
                "server_cpu": round((s1 - s0) / wall, 2), "client_cpu": round((c1 - c0) / wall, 2),
                "rss_start_mb": round(rss0), "rss_end_mb": round(_rss_mb(proc.pid)),
                "steps": {k: {"p50": round(percentile(v, 50), 2), "p95": round(percentile(v, 95), 2)}
                          for k, v in timings.items()},
            }
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        rss = sampler.rss
    data = {"levels": results, "rounds": args.rounds, "layout": os.environ.get(LAYOUT_ENV, "server"),
            "minutes": (time.perf_counter() - t_start) / 60, "load_before": load_before,
            "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "rss_mb": [(round(t, 1), round(m)) for t, m in rss[::4]]}
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    print(f"wrote {args.out}")
    if args.page:
        write_section(args.page, markdown(data, compare, base, spoiled))
        print(f"wrote the section into {args.page}")


if __name__ == "__main__":
    main()
