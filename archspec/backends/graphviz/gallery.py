"""The docs gallery: every zoo model's block-level diagram and stage table, and an index page.

Regenerate it with ``archspec gallery docs/gallery`` (or ``python -m archspec.backends.graphviz.gallery``);
a test regenerates it into a temporary folder and fails when the committed copy differs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from archspec.backends.graphviz import run_dot, to_dot
from archspec.backends.graphviz.labels import MACS_NOTE, config, count, shape
from archspec.files import write_atomic

DEFAULT_DIR = "docs/gallery"
REGEN = f"archspec gallery {DEFAULT_DIR}"
INDEX = "index.md"


def _spec_path(spec: str) -> str:
    # The zoo reports paths relative to the working directory; the gallery must not depend on it.
    return f"specs/{Path(spec).name}"


def stage_table(net) -> str:  # type: ignore[no-untyped-def]
    """The per-stage table as Markdown: block, repeats, resolved config, output, params, MACs, memory."""
    rows = ["| stage | block | × | resolved config | output | params | MACs | memory (fp32) |",
            "|---|---|--:|---|--:|--:|--:|--:|"]
    for s in net.stages:
        cfg = " ".join(config(s.info, 10**6))
        if not cfg and s.info.get("widths"):  # a section: the widths of its own layers
            cfg = "widths " + ", ".join(map(str, s.info["widths"]))
        cfg = cfg.replace("|", "\\|")
        block = str(s.info.get("block") or s.info.get("blocks") or "")
        rows.append(f"| {s.name} | {block} | {s.info.get('repeats', '')} | {cfg} | {shape(s.out)} | {s.params:,} | "
                    f"{count(s.macs)} | {count(s.activations * 4)}B |")
    rows.append(f"| **total** | | | | {shape(net.output)} | **{net.params:,}** | **{count(net.macs)}** | "
                f"{count(net.activations * 4)}B |")
    return "\n".join(rows)


def model_page(name: str, spec: str, net) -> str:  # type: ignore[no-untyped-def]
    title = net.title
    variant = f" (variant `{net.variant}`)" if net.variant else ""
    return "\n".join([
        f"# {title}",
        "",
        f"`{name}` · spec [`{spec}`](../../{spec}){variant} · input {shape(net.input)} · "
        f"{net.params:,} params · {count(net.macs)} MACs",
        "",
        f"![{name}, block level]({name}.svg)",
        "",
        "## Stages",
        "",
        stage_table(net),
        "",
        f"{MACS_NOTE} (bias excluded); memory: the stage's layer outputs per sample.",
        "",
        f"Drawn with `archspec render {name} -o {name}.svg`; `--level stage` and `--level layer` give the other views.",
        "",
        f"[All models]({INDEX})",
        "",
    ])


def index_page(rows: Iterable[tuple[str, str, object]]) -> str:
    lines = [
        "# Model zoo gallery",
        "",
        "Every model in the zoo drawn at block level from its spec: stages as clusters, repeated blocks",
        "folded into one ×N node, residual shortcuts and concatenations as edges. Each page adds the",
        "per-stage table. Generated, not hand-edited: regenerate with",
        "",
        "```",
        REGEN,
        "```",
        "",
        "and a test fails when this folder is out of date.",
        "",
        "| model | spec | input | params | MACs | output |",
        "|---|---|---|--:|--:|---|",
    ]
    for name, spec, net in rows:
        lines.append(f"| [{name}]({name}.md) | `{spec}` | {shape(net.input)} | {net.params:,} | "  # type: ignore[attr-defined]
                     f"{count(net.macs)} | {shape(net.output)} |")  # type: ignore[attr-defined]
    lines += ["", f"{MACS_NOTE} (the papers' “FLOPs”).", ""]
    return "\n".join(lines)


def files() -> dict[str, bytes]:
    """Every gallery file, by name: NAME.svg, NAME.md and the index."""
    from archspec import zoo
    from archspec.network import load

    out: dict[str, bytes] = {}
    rows = []
    for e in zoo.entries():
        net = load(e.spec, variant=e.variant)
        spec = _spec_path(e.spec)
        out[f"{e.name}.svg"] = run_dot(to_dot(net, "block"), "svg")
        out[f"{e.name}.md"] = model_page(e.name, spec, net).encode("utf-8")
        rows.append((e.name, spec, net))
    out[INDEX] = index_page(rows).encode("utf-8")
    return out


def write(outdir: str | Path = DEFAULT_DIR) -> list[Path]:
    """Write the gallery into ``outdir``; the paths written."""
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files().items():
        path = target / name
        if not path.exists() or path.read_bytes() != data:  # leave unchanged files untouched
            write_atomic(path, data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = write(args[0] if args else DEFAULT_DIR)
    print(f"wrote {len(paths)} files to {paths[0].parent if paths else DEFAULT_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
