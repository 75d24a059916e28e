"""The zoo gallery of a docs site: a Markdown page per model whose ```` ```archspec ```` block the
Markdown extension draws (diagram and paper-style table) when the site is built, and an index page.
The MkDocs plugin adds them to a site (``plugins: [archspec: {gallery: zoo}]``); nothing is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archspec.backends.graphviz.labels import MACS_NOTE, count, shape


def model_page(name: str, spec: str, net: Any) -> str:
    variant = f" (variant `{net.variant}`)" if net.variant else ""
    return "\n".join([
        f"# {net.title}",
        "",
        f"`{name}` · spec `{spec}`{variant} · input {shape(net.input)} · {net.params:,} params · {count(net.macs)} MACs",
        "",
        "```archspec table",
        name,
        "```",
        "",
        f"Drawn with `archspec render {name} -o {name}.svg` (`--level stage` and `--level layer` give the other views); "
        f"the table is `archspec table {name}` (`--format latex`, `html`, `csv`).",
        "",
        "[All models](index.md)",
        "",
    ])


def index_page(rows: list[tuple[str, str, Any]]) -> str:
    lines = [
        "# Model zoo gallery",
        "",
        "Every model in the zoo, drawn from its spec when this site was built: stages as clusters, repeated",
        "blocks folded into one ×N node, residual shortcuts and concatenations as edges, and the stage table",
        "as the papers print it.",
        "",
        "| model | spec | input | params | MACs | output |",
        "|---|---|---|--:|--:|---|",
    ]
    for name, spec, net in rows:
        lines.append(f"| [{name}]({name}.md) | `{spec}` | {shape(net.input)} | {net.params:,} | {count(net.macs)} | "
                     f"{shape(net.output)} |")
    return "\n".join([*lines, "", f"{MACS_NOTE} (the papers' “FLOPs”).", ""])


def pages() -> dict[str, str]:
    """File name → Markdown: ``NAME.md`` for every zoo model and ``index.md``."""
    from archspec import zoo
    from archspec.network import load

    out: dict[str, str] = {}
    rows = []
    for e in zoo.entries():
        net = load(e.spec, variant=e.variant)
        spec = f"specs/{Path(e.spec).name}"
        out[f"{e.name}.md"] = model_page(e.name, spec, net)
        rows.append((e.name, spec, net))
    out["index.md"] = index_page(rows)
    return out
