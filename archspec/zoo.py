"""The model zoo: the ``.arch`` files shipped in ``specs/``, named as torchvision's builders.

A spec without variants is one model named after its network (``resnet50``); a family spec gives
one model per variant, ``efficientnet`` + ``b3`` → ``efficientnet_b3`` (a variant that starts with
a digit joins without the underscore: ``vgg`` + ``16`` → ``vgg16``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from archspec.parse import parse

_ZOO_NAME = re.compile(r"[A-Za-z0-9_]{1,100}")  # a name that can only name a file in specs/


@dataclass(frozen=True)
class Entry:
    name: str
    spec: str  # path of the .arch file
    variant: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "spec": self.spec, "variant": self.variant}


def specs_dir() -> Path:
    """Where the zoo lives: inside an installed wheel, or the source tree's ``specs/``."""
    packaged = Path(__file__).parent / "specs"  # importlib.resources would cost a command ~3 ms to import
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "specs"


def zoo_name(network: str, variant: str | None) -> str:
    if variant is None:
        return network
    return f"{network}{variant}" if variant[:1].isdigit() else f"{network}_{variant}"


@functools.cache
def entries() -> tuple[Entry, ...]:
    """Every model the zoo builds, in file order."""
    return tuple(e for path in sorted(specs_dir().glob("*.arch")) for e in _file_entries(path))


def _file_entries(path: Path) -> list[Entry]:
    """The models one spec file builds: one per variant, or one named after its network."""
    spec = parse(path.read_text(encoding="utf-8"), str(path))
    rel = _display(path)
    if spec.variants:
        return [Entry(zoo_name(spec.name, v.name), rel, v.name) for v in spec.variants]
    return [Entry(spec.name, rel, None)]


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=256)  # as entries(): the zoo is read once a process
def find(name: str) -> Entry | None:
    """The zoo entry called ``name``.

    The files whose names begin ``name`` are read first, longest first (``efficientnet_b3`` is in
    ``efficientnet.arch``, ``vgg16`` in ``vgg.arch``): parsing all of the zoo costs a command more
    than the rest of its work.
    """
    if _ZOO_NAME.fullmatch(name):
        base = specs_dir()
        for end in range(len(name), 0, -1):
            path = base / f"{name[:end]}.arch"
            if not path.is_file():
                continue
            for e in _file_entries(path):
                if e.name == name:
                    return e
    for e in entries():
        if e.name == name:
            return e
    return None
