"""The MkDocs plugin ``archspec`` (``plugins: [archspec]`` in ``mkdocs.yml``): turns on the Markdown
extension ``archspec.markdown`` (```` ```archspec ```` blocks drawn into the page) and tells it which
page it is converting, so a bad spec's warning reads ``docs/page.md:12: archspec: …`` and spec paths
are found beside the page, then beside ``mkdocs.yml``. With ``gallery: FOLDER`` it adds a page per zoo
model under FOLDER (``archspec.sitegallery``), drawn when the site is built.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from archspec.extras import require

require("the MkDocs plugin archspec", "mkdocs", "markdown", extra="docs")

from mkdocs.config import config_options  # noqa: E402
from mkdocs.plugins import BasePlugin  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from archspec.markdown import PAGE, Page  # noqa: E402

EXTENSION = "archspec.markdown"


class ArchspecPlugin(BasePlugin):  # type: ignore[type-arg]
    """Adds the extension; names the page (and its front matter's length) for each conversion; adds the
    zoo gallery's pages when ``gallery`` names a folder."""

    config_scheme = (("gallery", config_options.Type(str, default="")),)

    def on_config(self, config: Any) -> Any:
        if EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(EXTENSION)
        root = str(Path(config.config_file_path or ".").resolve().parent)
        config.mdx_configs.setdefault(EXTENSION, {}).setdefault("base_dirs", [root])
        self.root = root
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        folder = self.config["gallery"].strip("/")
        if folder:
            from archspec.sitegallery import pages

            for name, text in pages().items():
                files.append(File.generated(config, f"{folder}/{name}", content=text))
        return files

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        raw = page.file.content_string
        offset = raw[: len(raw) - len(markdown)].count("\n") if markdown and raw.endswith(markdown) else 0
        path = page.file.abs_src_path
        name = os.path.relpath(path, self.root) if path else page.file.src_uri
        PAGE.set(Page(name, Path(path).parent if path else None, offset))
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        PAGE.set(Page())
        return html
