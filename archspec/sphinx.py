"""The Sphinx extension: ``extensions = ["archspec.sphinx"]`` in ``conf.py``, then in a page

.. code-block:: rst

    .. archspec:: resnet50
       :level: stage
       :table:

    .. archspec::
       :set: alpha=0.5

       network tiny
       input 3x32x32
       stem:
         conv 16 k3

draws the diagram (inline SVG, its hierarchical ids kept for deep links) and, with ``:table:``, the
paper-style stage table into the HTML page. The argument is a path (relative to the page, then to the
source folder), ``path.arch:variant`` or a zoo name; without one, the directive's content is the spec.
Options: ``level``, ``direction``, ``theme``, ``set``, ``variant``, ``table``, ``diagram``, ``prefix``
(see ``archspec.embed``). A bad spec is a warning at the page's line (an error under ``sphinx-build
-W``); the drawing is cached by content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archspec.extras import require

require("the Sphinx extension archspec.sphinx", "sphinx", "docutils", extra="docs")

from docutils import nodes  # noqa: E402
from docutils.parsers.rst import directives  # noqa: E402
from sphinx.util import logging  # noqa: E402
from sphinx.util.docutils import SphinxDirective  # noqa: E402

from archspec import __version__, embed  # noqa: E402

logger = logging.getLogger(__name__)


class ArchspecDirective(SphinxDirective):
    """``.. archspec:: [SPEC]`` with the spec's text as content when no SPEC is named."""

    optional_arguments = 1
    has_content = True
    option_spec = {name: directives.unchanged for name in embed.OPTIONS}

    def run(self) -> list[nodes.Node]:
        try:
            html = self._html()
        except embed.EmbedError as err:
            line = self.lineno if err.line is None else self.content_offset + err.line
            logger.warning("archspec: %s", err.message, location=(self.env.docname, line), type="archspec")
            return [nodes.literal_block(err.report, err.report, classes=["archspec-error"])]
        return [nodes.raw("", html, format="html")]

    def _html(self) -> str:
        opts = embed.options(dict(self.options))
        if self.arguments and self.content:
            raise embed.EmbedError("name a spec or write one as the content, not both")
        if self.arguments:
            page = Path(self.env.doc2path(self.env.docname)).parent
            text, file, variant = embed.source(self.arguments[0], (page, Path(self.env.srcdir)))
            if Path(file).is_file():
                self.env.note_dependency(str(Path(file).resolve()))
            return embed.render(text, opts, file, variant)
        if not self.content:
            raise embed.EmbedError("no spec: name one (`.. archspec:: resnet50`) or write it as the content")
        return embed.render("\n".join(self.content) + "\n", opts, f"<{self.env.docname}>")


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("archspec", ArchspecDirective)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
