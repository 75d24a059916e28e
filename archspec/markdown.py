"""The Python-Markdown extension (MkDocs: ``markdown_extensions: [archspec.markdown]``): a fenced block

    ```archspec level=stage table
    network tiny
    input 3x32x32
    stem:
      conv 16 k3
    ```

becomes the drawn diagram (inline SVG, hierarchical ids kept for deep links) and, with ``table``, the
paper-style stage table. The block holds spec text, or one line naming a spec: a zoo name, a path
(relative to the page's folder, then to each of ``base_dirs``, then to the working directory) or
``path.arch:variant``. Options after ``archspec`` are ``key=value`` words or bare flags: ``level``,
``direction``, ``theme``, ``set="alpha=0.5 rho=0.8"``, ``variant``, ``table[=LAYOUT]``, ``diagram=no``,
``prefix`` (see ``archspec.embed``). A bad spec is logged as a warning (an error under ``mkdocs build
--strict``) at its page line, and the block shows the located error; drawings are cached by content.
The MkDocs plugin ``archspec`` (``archspec.mkdocs``) names the page in those warnings.
"""

from __future__ import annotations

import logging
import re
import shlex
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archspec.extras import require

require("the Markdown extension archspec.markdown", "markdown", extra="docs")

from markdown import Extension, Markdown  # noqa: E402
from markdown.preprocessors import Preprocessor  # noqa: E402

from archspec import embed  # noqa: E402

# Under "mkdocs." so that `mkdocs build --strict` counts the warnings and stops.
logger = logging.getLogger("mkdocs.plugins.archspec")
ANY_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*archspec(?:[ \t]+(?P<args>.*))?$")


@dataclass(frozen=True)
class Page:
    """Where the page being converted came from (set by the MkDocs plugin): its path for messages,
    its folder for spec paths, and how many lines (front matter) come before the Markdown text."""

    name: str | None = None
    folder: Path | None = None
    offset: int = 0


PAGE: ContextVar[Page | None] = ContextVar("archspec_page", default=None)


def fence_options(args: str | None) -> dict[str, str | None]:
    """``level=stage table set="alpha=0.5 rho=0.8"`` → {"level": "stage", "table": None, "set": "alpha=0.5 rho=0.8"}."""
    try:
        words = shlex.split(args or "")
    except ValueError as exc:
        raise embed.EmbedError(f"cannot read the options `{args}`: {exc}") from None
    out: dict[str, str | None] = {}
    for word in words:
        key, sep, value = word.partition("=")
        out[key] = value if sep else None
    return out


def _dedent(line: str, indent: int) -> str:
    """A block's line without the (up to ``indent``) spaces its fence was indented by."""
    return line[min(indent, len(line) - len(line.lstrip(" "))):]


class ArchspecPreprocessor(Preprocessor):
    """Replaces each ```` ```archspec ```` block by a placeholder for its HTML, before fenced code runs."""

    def __init__(self, md: Markdown, bases: tuple[Path, ...]) -> None:
        super().__init__(md)
        self.bases = bases

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            m = OPEN.match(lines[i]) or ANY_FENCE.match(lines[i])
            if not m:
                out.append(lines[i])
                i += 1
                continue
            fence = m.group("fence")
            end = i + 1
            while end < len(lines) and not re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", lines[end]):
                end += 1
            if m.re is ANY_FENCE:  # another language's block (an archspec example inside one is text): as it is
                out += lines[i:end + 1]
            else:
                body = "\n".join(_dedent(line, len(m.group("indent"))) for line in lines[i + 1:end])
                out += ["", self.md.htmlStash.store(self.block(body, m.group("args"), i + 1)), ""]
            i = end + 1
        return out

    def block(self, body: str, args: str | None, line: int) -> str:
        """The HTML of one block at ``line`` (1-based, in the text being converted); a warning and the
        located error when the spec or an option is bad."""
        page = PAGE.get() or Page()
        try:
            opts = embed.options(fence_options(args))
            if embed.is_reference(body):
                bases = ((page.folder,) if page.folder else ()) + self.bases
                text, file, variant = embed.source(body.strip(), bases)
                return embed.render(text, opts, file, variant)
            if not body.strip():
                raise embed.EmbedError("empty block: write a spec, or name one (a zoo name or a path)")
            return embed.render(body + "\n", opts, f"<{page.name or 'page'}>")
        except embed.EmbedError as err:
            at = page.offset + line + (err.line or 0)
            where = f"{page.name}:{at}" if page.name else f"line {at}"
            logger.warning("%s: archspec: %s", where, err.message)
            from html import escape

            return f'<pre class="archspec-error"><code>{escape(err.report)}</code></pre>'


class ArchspecExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"base_dirs": [[], "folders that spec paths are also looked up in"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        bases = tuple(Path(p) for p in self.getConfig("base_dirs"))
        # After whitespace normalisation (30), before fenced code (25) and raw HTML blocks (20).
        md.preprocessors.register(ArchspecPreprocessor(md, bases), "archspec", 29)


def makeExtension(**kwargs: Any) -> ArchspecExtension:  # noqa: N802 (Python-Markdown's entry point)
    return ArchspecExtension(**kwargs)
