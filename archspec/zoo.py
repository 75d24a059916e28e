"""The model zoo: the ``.arch`` files shipped in ``specs/``, named as torchvision's builders.

A spec without variants is one model named after its network (``resnet50``); a family spec gives
one model per variant, ``efficientnet`` + ``b3`` → ``efficientnet_b3`` (a variant that starts with
a digit joins without the underscore: ``vgg`` + ``16`` → ``vgg16``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archspec.parse import parse


@dataclass(frozen=True)
class Entry:
    name: str
    spec: str  # path of the .arch file
    variant: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "spec": self.spec, "variant": self.variant}


def specs_dir() -> Path:
    """Where the zoo lives: inside an installed wheel, or the source tree's ``specs/``."""
    packaged = Path(str(resources.files("archspec"))) / "specs"
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
    out: list[Entry] = []
    base = specs_dir()
    for path in sorted(base.glob("*.arch")):
        spec = parse(path.read_text(encoding="utf-8"), str(path))
        rel = _display(path)
        if spec.variants:
            out.extend(Entry(zoo_name(spec.name, v.name), rel, v.name) for v in spec.variants)
        else:
            out.append(Entry(spec.name, rel, None))
    return tuple(out)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def find(name: str) -> Entry | None:
    """The zoo entry called ``name``; a spec file of that name is tried before reading them all."""
    path = specs_dir() / f"{name}.arch"
    if path.is_file():
        spec = parse(path.read_text(encoding="utf-8"), str(path))
        if spec.name == name and not spec.variants:
            return Entry(name, _display(path), None)
    for e in entries():
        if e.name == name:
            return e
    return None
