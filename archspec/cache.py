"""A per-user cache of what every process would otherwise rebuild: the parser's tables, the prelude.

Files live in ``$ARCHSPEC_CACHE_DIR``, else ``$XDG_CACHE_HOME/archspec``, else ``~/.cache/archspec``,
in a directory only its owner can read or write: the entries are pickles, and a pickle must never
come from anyone else (a shared temporary directory would let another user plant one). Each entry's
name carries a hash of what it was built from and of the versions that shape it, so a changed
prelude, grammar or upgrade never reads a stale entry. Anything that goes wrong (no home, a
read-only disk, a corrupt file) means no cache, never an error. ``ARCHSPEC_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any


@functools.cache
def directory() -> Path | None:
    """The cache directory, created private to this user; None when there is none to use."""
    if os.environ.get("ARCHSPEC_NO_CACHE"):
        return None
    try:
        root = os.environ.get("ARCHSPEC_CACHE_DIR")
        if root:
            path = Path(root)
        else:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
            path = Path(base) / "archspec"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
        # Ours alone: owned by this user and closed to group and others.
        if st.st_uid != os.getuid() or st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            return None
        return path
    except (OSError, RuntimeError, AttributeError):  # no home, read-only, no getuid (Windows)
        return None


def key(kind: str, *parts: str) -> str:
    """A file name for ``kind`` built from ``parts`` under this interpreter and these libraries."""
    import lark
    from pydantic.version import VERSION as pydantic_version

    from archspec import __version__

    versions = [__version__, sys.version, pydantic_version, lark.__version__]
    digest = hashlib.sha256("\0".join([*versions, *parts]).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}-{digest[:32]}"


def load(name: str) -> Any | None:
    """The object stored under ``name``, or None."""
    root = directory()
    if root is None:
        return None
    try:
        with open(root / name, "rb") as f:
            return pickle.load(f)
    except Exception:  # missing, truncated, from an incompatible version: rebuild it
        return None


def store(name: str, obj: Any) -> None:
    """Keep ``obj`` under ``name``: written whole or not at all (a temporary file, then a rename)."""
    root = directory()
    if root is None:
        return
    from archspec.files import write_atomic  # only when writing: most commands only read the cache

    try:
        write_atomic(root / name, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        pass


def file_for(name: str) -> str | None:
    """A path in the cache for a library that keeps its own file (Lark's tables); None without one."""
    root = directory()
    return None if root is None else str(root / name)
