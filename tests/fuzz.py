"""Fuzzing archspec: every input ends as a valid network or a located ``SpecError``.

The contract checked for each input: ``archspec.loads`` (or ``load`` on a file) returns a
``Network`` whose IR, layer graph and analysis serialise, and whose torch module (built on the
meta device, so nothing is allocated) accepts the declared input and gives the declared output
shape; or it raises a ``SpecError`` that names the file, a line and a column inside the text. Any
other exception, a run past the time limit, or a jump in memory is a failure.

Inputs come from mutating every zoo spec (typos, numbers replaced by -1, 0, 1e12, NaN or text,
truncation, junk and control characters, indentation changes, line deletion, duplication and
splicing, redefinition of built-in blocks), from random token streams and random well-formed
specs, and from a fixed corpus of adversarial inputs (10 MB text, deep nesting, recursion,
exponential block expansion, huge sizes).

The CI runs a short version (tests/test_fuzz.py). The long run is one command::

    .venv/bin/python -m tests.fuzz --n 10000            # seed 0; --seed, --no-torch, --json FILE

It prints counts per generator and outcome, the slowest inputs and the peak memory, and exits 1
if any input broke the contract (each failure is printed with its input, ready to become a
regression case).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import archspec
import archspec.parse
from archspec import SpecError, layerops
from archspec import ops as language_ops
from archspec.lower import Budget

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"

# A generous ceiling for one input; anything near it is a hang, not a slow parse.
TIME_LIMIT_S = 20.0


# ---- inputs -------------------------------------------------------------------------------------


@dataclass
class Case:
    """One fuzz input: spec text (or raw bytes for a file), plus the API arguments."""

    kind: str
    text: str = ""
    data: bytes | None = None  # when set, written to a file and loaded by path (as the CLI does)
    variant: str | None = None
    overrides: dict[str, Any] | None = None
    budget: Budget | None = None
    file: str = "fuzz.arch"

    def describe(self, limit: int = 400) -> str:
        src = self.data if self.data is not None else self.text
        shown = repr(src) if len(src) <= limit else repr(src[:limit]) + f"... ({len(src):,} long)"
        extra = "".join(f" {k}={v!r}" for k, v in (("variant", self.variant), ("overrides", self.overrides)) if v)
        return f"[{self.kind}]{extra} {shown}"


def zoo_sources() -> dict[str, str]:
    """Every spec in the zoo, and the prelude of built-in blocks."""
    out = {p.name: p.read_text(encoding="utf-8") for p in sorted(SPECS.glob("*.arch"))}
    out["prelude.arch"] = resources.files("archspec").joinpath("prelude.arch").read_text(encoding="utf-8")
    return out


KEYWORDS = ["network", "input", "block", "stages", "stage", "stem", "head", "variants", "let", "if", "elif", "else",
            "not", "and", "or", "defaults", "round", "compound", "scale", "in"]
# Every statement of the language (op statements and combinators), from its own tables.
OPS = [*language_ops.OPS, *language_ops.COMBINATORS]
# One statement line per line of every registered op's example: each new op reaches the fuzzer by itself.
EXAMPLE_LINES = sorted({line.strip() for op in layerops.all_ops().values() for line in op.example.splitlines()
                        if line.strip() and not line.strip().endswith(":") and not line.startswith(" ")})
BLOCKS = ["basic", "bottleneck", "preact_basic", "se", "dwsep", "inverted_residual", "mbconv", "mbv3", "inception",
          "dense_layer", "transition", "dense_block", "vgg_stage", "bottleneck_d", "basic_d", "repvgg", "sk_conv",
          "sk_basic", "ghost_bottleneck", "res2net_bottleneck", "resnest_bottleneck"]
WORDS = ["relu", "relu6", "silu", "none", "auto", "projection", "zeropad", "when_same", "true", "false", "global",
         "ln", "gn", "gelu", "mish", "identity", "same", "bilinear", "nearest", "shortcut_first", "split", "for", "range",
         "runs", "len", "log", "fixed", "[", "]", "k1x7", "p0x3", "s2x1",
         "ceil", "bias", "c", "s", "k", "p", "g", "in.c", "in.h", "in.w", "floor", "ceil", "round", "max", "min",
         "divisible", "sqrt", "alpha", "α", "rho", "ρ", "phi", "φ", "width", "depth", "resolution", "block_index"]
NUMBERS = ["0", "1", "2", "3", "-1", "64", "0.5", "1e12", "1e308", "3.", ".5", "1000000000", "99999999999999999999",
           "0.25", "6", "224", "nan", "inf"]
SHORTS = ["k3", "s2", "x4", "e6", "c24", "k0", "s0", "x0", "x1000000000", "p1", "g32", "k1.5", "d2"]
SHAPES = ["3x224x224", "3x32x32", "1x1x1", "0x0x0", "3x1000000x1000000", "3x2", "3x4x5x6", "1x32x32"]
PUNCT = [":", "(", ")", ",", "=", "==", "!=", "<", ">=", "**", "+", "-", "*", "/", "//", "%", ".", ";", '"text"', "# c"]
LAYOUT = ["\n", "\n  ", "\n    ", "\n      ", " ", "\t", "\\\n", "\r\n", "\n\n"]
JUNK = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\r", "\ud800", "\udfff", "\ufeff", "\u2028",
        "\u0085", "\u200b", "é", "ß", "€", "😀", "$", "@", "`", "'", "{", "}", "[", "]", "\\", "?", "!", "&", "|", "~", "^",
        "٣", "²", "Ⅻ", "ﬁ"]
TOKENS = KEYWORDS + OPS + BLOCKS + WORDS + NUMBERS + SHORTS + SHAPES + PUNCT + LAYOUT * 4 + JUNK
REPLACEMENTS = ["-1", "0", "1e12", "NaN", "nan", "inf", "-inf", "1e308", "1e-308", "text", "abc", "0.5", "-0",
                "99999999999999999999999", "1" * 5000, "1e99999", "0x10", "1_000", "3.5.5", "٣", "", "1e", "(1", "1)",
                "in.c", "true", "2**64", "10**15", "-(2**62)"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_NUMBER = re.compile(r"(?<![A-Za-z_0-9.])\d+(\.\d+)?")


def _typo(rng: random.Random, word: str) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz_0123456789"
    i = rng.randrange(len(word))
    how = rng.randrange(5)
    if how == 0 and len(word) > 1:
        return word[:i] + word[i + 1 :]  # drop a letter
    if how == 1:
        return word[:i] + rng.choice(letters) + word[i:]  # insert one
    if how == 2 and len(word) > 1 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two
    if how == 3:
        return word.upper() if rng.random() < 0.5 else word.capitalize()
    return word[:i] + rng.choice(letters) + word[i + 1 :]  # replace one


def _pick(rng: random.Random, pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = list(pattern.finditer(text))
    return rng.choice(found) if found else None


def mut_typo(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """A typo in one word: keyword, op, block, argument or variable."""
    for _ in range(rng.randint(1, 3)):
        m = _pick(rng, _WORD, text)
        if m:
            text = text[: m.start()] + _typo(rng, m.group()) + text[m.end() :]
    return text


def mut_number(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """Numbers replaced by -1, 0, 1e12, NaN, text, huge digit strings, ..."""
    for _ in range(rng.randint(1, 3)):
        m = _pick(rng, _NUMBER, text)
        if m:
            text = text[: m.start()] + rng.choice(REPLACEMENTS) + text[m.end() :]
    return text


def mut_truncate(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    return text[: rng.randrange(len(text) + 1)]


def mut_junk(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """Junk and control characters inserted or overwritten."""
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(text) + 1)
        junk = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 3)))
        j = i + (rng.randint(0, 2) if rng.random() < 0.5 else 0)
        text = text[:i] + junk + text[j:]
    return text


def mut_indent(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """Unbalanced indentation: a line's leading whitespace grown, shrunk, tabbed or removed."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        body = lines[i].lstrip(" \t")
        indent = len(lines[i]) - len(body)
        new = rng.choice([0, 1, 3, indent + 1, max(0, indent - 1), indent + 2, indent + 4, 80])
        lead = " " * new if rng.random() < 0.8 else "\t" * rng.randint(1, 2) + " " * rng.randint(0, 2)
        lines[i] = lead + body
    return "\n".join(lines)


def mut_lines(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """Lines deleted, duplicated, swapped, or spliced in from another spec."""
    lines = text.split("\n")
    other = rng.choice(list(sources.values())).split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        how = rng.randrange(4)
        if how == 0 and len(lines) > 1:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, rng.choice(other))
    return "\n".join(lines)


def mut_tokens(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """A run of random tokens dropped into the text."""
    i = rng.randrange(len(text) + 1)
    run = "".join(rng.choice(TOKENS) + rng.choice(["", " ", " ", " "]) for _ in range(rng.randint(1, 8)))
    return text[:i] + run + text[i:]


def mut_prelude(rng: random.Random, text: str, sources: dict[str, str]) -> str:
    """A mutated copy of the built-in blocks appended: the spec's own blocks replace the prelude's."""
    prelude = sources["prelude.arch"]
    mutator = rng.choice([mut_typo, mut_number, mut_indent, mut_lines, mut_tokens])
    return text + "\n" + mutator(rng, prelude, sources)


MUTATORS: dict[str, Callable[[random.Random, str, dict[str, str]], str]] = {
    "typo": mut_typo,
    "number": mut_number,
    "truncate": mut_truncate,
    "junk": mut_junk,
    "indent": mut_indent,
    "lines": mut_lines,
    "tokens": mut_tokens,
    "prelude": mut_prelude,
}


def random_tokens(rng: random.Random) -> str:
    """A stream of random tokens of the language and junk."""
    n = rng.randint(0, 60)
    text = "".join(rng.choice(TOKENS) + rng.choice(["", " "]) for _ in range(n))
    if rng.random() < 0.5:  # often give it a header so the parser gets further
        text = f"network r\ninput {rng.choice(SHAPES)}\n" + text
    return text


def _expr(rng: random.Random, depth: int = 0) -> str:
    if depth > 2 or rng.random() < 0.5:
        return rng.choice(["1", "2", "3", "8", "16", "64", "0", "-1", "0.5", "in.c", "in.h", "c", "1e12", "alpha"])
    op = rng.choice(["+", "-", "*", "/", "//", "%", "**"])
    if rng.random() < 0.2:
        return f"{rng.choice(['floor', 'ceil', 'round', 'max', 'divisible', 'sqrt', 'abs'])}({_expr(rng, depth + 1)})"
    return f"({_expr(rng, depth + 1)} {op} {_expr(rng, depth + 1)})"


def _op_line(rng: random.Random) -> str:
    if rng.random() < 0.3:  # a line of some op's registry example: rectangular kernels, LayerNorm, shuffle, mean, ...
        return rng.choice(EXAMPLE_LINES)
    op = rng.choice(["conv", "conv", "conv", "maxpool", "avgpool", "act", "norm", "dropout", "fc", "flatten"])
    args: list[str] = []
    if op == "conv":
        args = [rng.choice(["8", "16", "3", "1", "32", "c", "in.c", "0", _expr(rng)]), rng.choice(["k1", "k3", "k5", "k7", "k2"])]
        args += rng.sample(["s2", "s1", "p0", "p1", "p3", "d2", "g2", "groups=in.c", "act=none", "act=silu", "norm=none", "bias",
                            "s3", "k=0", "g=3"], rng.randint(0, 3))
    elif op in ("maxpool", "avgpool"):
        args = rng.choice([["k3", "s2"], ["k2"], ["global"], ["k3", "s1", "p1"], ["k3", "s2", "ceil"], ["size=2"], ["k3", "p2"],
                           ["size=0"], ["global", "k3"]])
    elif op == "act":
        args = rng.sample(["relu", "silu", "none", "sigmoid", "hardswish", "tanh", "gelu", "bogus"], rng.randint(0, 1))
    elif op == "dropout":
        args = [rng.choice(["0.2", "0", "1", "1.5", "-0.1"])]
    elif op == "fc":
        args = [rng.choice(["10", "1", "100", "0"])] + rng.sample(["act=relu", "bias=false"], rng.randint(0, 1))
    return " ".join([op, *args])


def _body(rng: random.Random, indent: int, depth: int = 0) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if depth < 3 and r < 0.12:
            out.append(pad + rng.choice(["residual:", "residual shortcut=projection:", "residual shortcut=zeropad:",
                                         "residual shortcut=when_same:", "scale:", "repeat 2:", "dense 2:"]))
            out += _body(rng, indent + 2, depth + 1)
        elif depth < 3 and r < 0.2:
            n = rng.randint(1, 3)
            out.append(pad + rng.choice(["concat:", f"concat split={n}:", f"concat split={rng.randint(1, 4)}:"]))
            for _ in range(n):
                if rng.random() < 0.3:
                    out.append(pad + "  branch: identity")
                    continue
                out.append(pad + "  branch:")
                out += _body(rng, indent + 4, depth + 1)
        elif depth < 3 and r < 0.22:
            out.append(pad + rng.choice(["residual order=shortcut_first:", "residual drop_path=0.1 order=shortcut_first:"]))
            out += _body(rng, indent + 2, depth + 1)
        elif depth < 3 and r < 0.25:  # `sum:` of branches (RepVGG), often shape-matched, sometimes not
            out.append(pad + rng.choice(["sum:", "sum act=relu:", "sum act=bogus:"]))
            width = rng.choice(["in.c", "8", "16"])
            for _ in range(rng.randint(1, 4)):
                choice = rng.random()
                if choice < 0.25:
                    out.append(pad + rng.choice(["  branch: identity", "  branch: norm bn", "  branch: norm"]))
                elif choice < 0.7:
                    out.append(pad + f"  branch: conv {width} {rng.choice(['k3', 'k1', 'k5', 'k3 s2'])} act=none")
                else:
                    out.append(pad + "  branch:")
                    out += _body(rng, indent + 4, depth + 1)
        elif depth < 3 and r < 0.265:  # `select:` (attention across branches), its attention body right or wrong
            n = rng.randint(1, 3)
            out.append(pad + rng.choice(["select:", f"select split={n}:"]))
            for _ in range(n):
                out.append(pad + rng.choice(["  branch: conv 16 k3", "  branch: conv 16 k3 d2", "  branch: identity"]))
            if rng.random() < 0.9:
                out.append(pad + "  attention:")
                out += [pad + "    mean keep", pad + "    conv 8 k1",
                        pad + f"    conv {rng.choice([16 * n, 16, 32])} k1 norm=none act=none bias=false"]
        elif depth < 3 and r < 0.27:  # `cascade:` (Res2Net), with the right number of branches or not
            n = rng.randint(2, 4)
            out.append(pad + f"cascade split={rng.choice([n, n, 3])}:")
            for _ in range(n - 1):
                out.append(pad + rng.choice(["  branch: conv in.c k3", "  branch: conv 4 k3", "  branch: identity"]))
        elif depth < 3 and r < 0.28:  # a residual whose shortcut is written out (ResNet-D), sometimes misplaced
            out.append(pad + rng.choice(["residual:", "residual act=relu:", "residual order=shortcut_first:",
                                         "residual shortcut_norm=bn:", "residual shortcut=when_same shortcut_norm=bn:"]))
            out += _body(rng, indent + 2, depth + 1)
            out.append(pad + ("  shortcut:" if rng.random() < 0.9 else "shortcut:"))
            out += _body(rng, indent + 4, depth + 1) if rng.random() < 0.5 else \
                [pad + "    " + rng.choice(["avgpool 2 s2 ceil", "identity", "avgpool 2 s2"]), pad + "    conv 8 k1 act=none"]
        elif r < 0.29:
            out += [pad + "channels_last", pad + rng.choice(["norm ln", "fc 16 act=gelu", "conv 8 k3"]), pad + "channels_first"]
        elif r < 0.31:
            out.append(pad + f"let v{rng.randint(0, 3)} = {_expr(rng)}")
        elif r < 0.36:
            out.append(pad + f"if {_expr(rng)} > {_expr(rng)}: {_op_line(rng)}")
        elif r < 0.45:
            blk = rng.choice(BLOCKS[:8])
            out.append(pad + f"{blk} {rng.choice(['8', '16', '32', '3'])} {rng.choice(['', 's2', 's1'])}")
        else:
            out.append(pad + _op_line(rng))
    return out


def random_spec(rng: random.Random) -> str:
    """A random spec that parses: random ops, combinators, blocks, settings and stage tables."""
    c = rng.choice(["1", "3", "3", "8"])
    h = rng.choice(["1", "7", "16", "32", "32", "64", "224"])
    lines = [f"network rnd{rng.randint(0, 99)}", f"input {c}x{h}x{rng.choice([h, h, '32', '5'])}"]
    if rng.random() < 0.3:
        lines.append(rng.choice(["defaults: act=silu", "defaults: norm=none act=tanh", "round: divisor=8 min=8 guard=0.9",
                                 "scale: alpha=0.5", "compound: depth=1.2 width=1.1 resolution=1.15", "scale: phi=2"]))
    if rng.random() < 0.3:
        lines.append(f"let w = {_expr(rng)}")
    if rng.random() < 0.2:
        lines.append(rng.choice(["let ws = [16, 16, 32]", "let ws = [c * 8 for c in range(1, 4)]", "let ws = []",
                                 "let ws = [8 * round(24 * 2.5 ** round(log((24 + 20 * j) / 24) / log(2.5)) / 8) for j in range(9)]",
                                 f"let ws = [{_expr(rng)}, {_expr(rng)}]", "let ws = [c for c in range(100000)]"]))
    if rng.random() < 0.3:
        lines += ["block mine(c, s=1):", *_body(rng, 2)]
    lines.append("stem:")
    lines += _body(rng, 2)
    if rng.random() < 0.5:
        blk = rng.choice(["basic", "bottleneck", "inverted_residual", "dwsep", "mbconv", "vgg_stage", "preact_basic",
                          "bottleneck_d", "repvgg", "sk_basic"])
        lines.append(f"stages {blk}:")
        for _ in range(rng.randint(1, 3)):
            r = rng.random()
            if r < 0.15:
                lines.append(rng.choice(["  for w, n in runs(ws): c=w x=n s2", "  for w in ws: c=w s2", "  for w in [16, 32]: w s2",
                                         "  for w, n in [1, 2]: c=w x=n"]))
            elif r < 0.25:
                lines.append(rng.choice(["  maxpool k3 s2 ceil", "  avgpool k2", "  dropout 0.1", "  shuffle 2"]))
            else:
                lines.append(f"  {rng.choice(['16', '32', '8', '24'])} x{rng.randint(1, 3)} s{rng.randint(1, 2)}")
    if rng.random() < 0.6:
        lines += ["head:", "  avgpool global", f"  fc {rng.choice(['10', '1', '1000'])}"]
    return "\n".join(lines) + "\n"


def with_comments(rng: random.Random, text: str) -> str:
    """The spec with comments sprinkled in: trailing ones after random lines (a random gap before each)
    and full-line ones between lines, at the next line's indentation. It means what the spec means."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if line.strip() and rng.random() < 0.2:
            out.append(line[: len(line) - len(line.lstrip())] + f"# note {i}")
        if line.strip() and not line.rstrip().endswith("\\") and rng.random() < 0.4:
            line += " " * rng.randint(1, 6) + f"# c{i}" + " x" * rng.randint(0, 3)
        out.append(line)
    return "\n".join(out)


def unaligned(text: str) -> str:
    """The spec with its alignment collapsed: one space between words and before a trailing comment
    (as a hand edit or a careless formatter leaves it), the comments' own text and the indentation kept."""
    out = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        code, hash_, comment = line.lstrip().partition("#")
        code = " ".join(code.split())
        out.append(indent + (f"{code} #{comment}" if code and hash_ else code or hash_ + comment))
    return "\n".join(out)


def random_overrides(rng: random.Random) -> dict[str, Any]:
    """Knob overrides as the API or ``--set`` could pass them, hostile values included."""
    key = rng.choice(["alpha", "α", "rho", "phi", "width", "depth", "resolution", "dropout", "nope"])
    value = rng.choice([0.5, 2, 0, -1, 1e12, 1e300, -1e300, float("nan"), float("inf"), float("-inf"), 1e-300, True, "x", None,
                        64, 7, 10**30])
    return {key: value}


def random_bytes(rng: random.Random) -> bytes:
    """A binary file: random bytes, a UTF-16 spec, a zoo spec with a broken UTF-8 sequence, ..."""
    how = rng.randrange(4)
    if how == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    if how == 1:
        return "network u\ninput 3x32x32\nstem:\n  conv 8 k3\n".encode("utf-16")
    if how == 2:
        return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(64))
    data = bytearray((SPECS / "resnet18.arch").read_bytes())
    data.insert(rng.randrange(len(data)), rng.choice([0x80, 0xC3, 0xFF, 0xE2]))
    return bytes(data)


HOSTILE_JSON: list[Any] = [-1, 0, 1, 10**30, -(10**30), 1e308, float("nan"), float("inf"), 0.5, "", "a.b", " ", "x" * 1000,
                           "\ud800", "stem", "conv", "relu", None, True, [], {}, [[[[[]]]]], {"kind": "num"}, "__class__"]


def _json_nodes(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _json_nodes(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _json_nodes(v, (*path, i))


def ir_json(rng: random.Random, sources: dict[str, str]) -> str:
    """A zoo spec's IR as JSON (what ``compile --emit json`` writes), with values replaced or the text cut."""
    name = rng.choice(sorted(n for n in sources if n != "prelude.arch"))
    obj = json.loads(archspec.parse.parse(sources[name], name).model_dump_json())
    nodes = [p for p, _ in _json_nodes(obj) if p]
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(nodes)
        try:
            parent = obj
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = "<deep>" if rng.random() < 0.1 else rng.choice(HOSTILE_JSON)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier replacement removed this path
    text = json.dumps(obj)
    depth = rng.choice([50, 300, 3000])  # deep nesting of the IR itself, written as text (json.dumps would recurse)
    text = text.replace('"<deep>"', '{"kind": "unary", "op": "-", "operand": ' * depth + '{"kind": "num", "value": 1}' + "}" * depth)
    if rng.random() < 0.2:
        text = mut_truncate(rng, text, sources)
    return text


def generate(rng: random.Random, sources: dict[str, str]) -> Case:
    """One random input, from a generator chosen by weight."""
    r = rng.random()
    if r < 0.62:
        name = rng.choice(sorted(sources))
        kind = rng.choice(sorted(MUTATORS))
        text = MUTATORS[kind](rng, sources[name], sources)
        if rng.random() < 0.3:  # stack a second mutation now and then
            text = MUTATORS[rng.choice(sorted(MUTATORS))](rng, text, sources)
        return Case(f"mutate:{kind}", text, file=name)
    if r < 0.72:
        return Case("tokens", random_tokens(rng))
    if r < 0.9:
        return Case("random-spec", random_spec(rng))
    if r < 0.95:
        return Case("ir-json", ir_json(rng, sources))
    if r < 0.98:
        name = rng.choice(sorted(n for n in sources if n != "prelude.arch"))
        return Case("overrides", sources[name], overrides=random_overrides(rng), file=name)
    return Case("bytes", data=random_bytes(rng))


# ---- the adversarial corpus ---------------------------------------------------------------------

HEADER = "network t\ninput 3x32x32\n"


def _deep_indent(n: int) -> str:
    return HEADER + "stem:\n" + "".join("  " * i + "residual:\n" for i in range(1, n)) + "  " * n + "conv 3 k3\n"


def corpus() -> Iterator[Case]:
    """Hostile inputs written by hand: size, nesting, recursion and magnitude attacks."""
    stem = "stem:\n  conv 8 k3\n"
    yield Case("corpus:empty", "")
    yield Case("corpus:whitespace", " \n\t\n   \n")
    yield Case("corpus:10MB", "x" * 10_000_000)
    yield Case("corpus:10MB-valid-prefix", HEADER + stem + "  act\n" * 1_700_000)
    yield Case("corpus:1MB-statements", HEADER + stem + "  act\n" * 170_000)
    yield Case("corpus:1MB-one-line", HEADER + "stem:\n  conv 8 k3" + " 1" * 500_000 + "\n")
    yield Case("corpus:1MB-comments", HEADER + stem + "# comment\n" * 100_000)
    yield Case("corpus:many-blocks", HEADER + stem + "".join(f"block b{i}():\n  act\n" for i in range(40_000)))
    yield Case("corpus:long-name", HEADER + "stem:\n  " + "a" * 500_000 + "\n")
    yield Case("corpus:long-string", 'network t "' + "s" * 500_000 + '"\ninput 3x32x32\n' + stem)
    yield Case("corpus:deep-indent-60", _deep_indent(60))
    yield Case("corpus:deep-indent-1000", _deep_indent(1000))
    yield Case("corpus:deep-parens-60", HEADER + f"let a = {'(' * 60}1{')' * 60}\n" + stem)
    yield Case("corpus:deep-parens-10000", HEADER + f"let a = {'(' * 10_000}1{')' * 10_000}\n" + stem)
    yield Case("corpus:unbalanced-parens", HEADER + f"let a = {'(' * 5000}1\n" + stem)
    yield Case("corpus:deep-calls", HEADER + f"let a = {'max(' * 5000}1{')' * 5000}\n" + stem)
    for op, n in (("- ", 300_000), ("not ", 100_000), ("1+", 300_000), ("2**", 200_000), ("1 if 1 else ", 100_000),
                  ("- ", 400), ("not ", 400), ("1+", 400), ("1**", 400), ("1 if 1 else ", 400), ("1*", 900)):
        yield Case(f"corpus:expr-chain:{op.strip()}x{n}", HEADER + f"let a = {op * n}1\n" + stem)
    yield Case("corpus:wide-call", HEADER + f"let a = max({', '.join(['1'] * 200_000)})\n" + stem)
    yield Case("corpus:many-args", HEADER + "stem:\n  conv 8 k3" + " k3" * 100_000 + "\n")
    yield Case("corpus:self-recursion", HEADER + "block a(c):\n  a c\nstem:\n  a 8\n")
    yield Case("corpus:mutual-recursion", HEADER + "block a(c):\n  b c\nblock b(c):\n  a c\nstem:\n  a 8\n")
    yield Case("corpus:recursion-in-default", HEADER + "block a(c, d=1):\n  conv c k3\nstages a(d=2):\n  8 x1\n")
    yield Case("corpus:recursive-stage-block", HEADER + "block a(c, s=1):\n  residual:\n    a c\nstages a:\n  8 x2 s1\n")
    chain = "".join(f"block b{i}(c):\n  b{i - 1} c\n" for i in range(1, 200))
    yield Case("corpus:call-chain-200", HEADER + chain + "block b0(c):\n  conv c k3\nstem:\n  b199 8\n")
    doubling = "".join(f"block b{i}(c):\n  b{i - 1} c\n  b{i - 1} c\n" for i in range(1, 40))
    yield Case("corpus:exponential-blocks", HEADER + doubling + "block b0(c):\n  act\nstem:\n  conv 8 k3\n  b39 8\n")
    doubling25 = "".join(f"block b{i}(c):\n  b{i - 1} c\n  b{i - 1} c\n" for i in range(1, 26))
    yield Case("corpus:exponential-blocks-25", HEADER + doubling25 + "block b0(c):\n  act\nstem:\n  conv 8 k3\n  b25 8\n")
    yield Case("corpus:exponential-empty-blocks-25", HEADER + doubling25 + "block b0(c):\n  let z = c\nstem:\n  conv 8 k3\n  b25 8\n")
    yield Case("corpus:exponential-empty-blocks", HEADER + doubling + "block b0(c):\n  let z = c\nstem:\n  conv 8 k3\n  b39 8\n")
    yield Case("corpus:nested-repeat", HEADER + stem + "  repeat 1000:\n    repeat 1000:\n      repeat 1000:\n        act\n")
    yield Case("corpus:nested-repeat-empty", HEADER + stem + "  repeat 400000:\n    repeat 400000:\n      act none\n")
    yield Case("corpus:repeat-lets", HEADER + stem + "  repeat 90000:\n    repeat 90000:\n      let q = 1\n")
    yield Case("corpus:sum-20000-identities", HEADER + stem + "  sum:\n" + "    branch: identity\n" * 20_000)
    yield Case("corpus:sum-1000-convs", HEADER + stem + "  sum:\n" + "    branch: conv 8 k1\n" * 1_000)
    yield Case("corpus:select-5000", HEADER + stem + "  select:\n" + "    branch: identity\n" * 5_000
               + "    attention:\n      mean keep\n      conv 8 k1\n")
    yield Case("corpus:cascade-split-huge", HEADER + stem + "  cascade split=100000:\n    branch: identity\n")
    yield Case("corpus:cascade-8-chunks", HEADER + stem + "  cascade split=8:\n" + "    branch: conv 1 k3\n" * 7)
    yield Case("corpus:nested-sum-60", HEADER + stem + "".join("  " * (i + 1) + "sum:\n" + "  " * (i + 2)
               + "branch: identity\n" + "  " * (i + 2) + "branch:\n" for i in range(0, 120, 2)) + "  " * 123 + "act\n")
    yield Case("corpus:shortcut-in-shortcut", HEADER + stem + "  residual:\n    conv 8 k3\n    shortcut:\n"
               "      residual:\n        conv 8 k3\n        shortcut:\n          identity\n")
    yield Case("corpus:nested-dense", HEADER + stem + "  dense 1000:\n    dense 1000:\n      conv 1 k1\n")
    yield Case("corpus:repeats-1e9", HEADER + "stages basic:\n  8 x1000000000 s1\n")
    yield Case("corpus:repeats-99999", HEADER + "stages basic:\n  8 x99999 s1\n")
    yield Case("corpus:repeat-1e9", HEADER + stem + "  repeat 1000000000:\n    act\n")
    yield Case("corpus:channels-1e12", HEADER + "stem:\n  conv 1000000000000 k3\n")
    yield Case("corpus:channels-1e15-float", HEADER + "stem:\n  conv 1e15 k3\n")
    yield Case("corpus:channels-huge-literal", HEADER + "stem:\n  conv " + "9" * 5000 + " k3\n")
    yield Case("corpus:kernel-huge-short", HEADER + "stem:\n  conv 8 k" + "9" * 5000 + "\n")
    yield Case("corpus:input-1e6x1e6", "network t\ninput 3x1000000x1000000\n" + stem)
    yield Case("corpus:input-1e6x1e6-pool", "network t\ninput 3x1000000x1000000\nhead:\n  avgpool global\n  fc 10\n")
    yield Case("corpus:input-huge-digits", "network t\ninput 3x" + "9" * 5000 + "x1\n" + stem)
    yield Case("corpus:input-zero", "network t\ninput 0x32x32\n" + stem)
    yield Case("corpus:fc-1e6x1e6", HEADER + "head:\n  fc 1000000\n  fc 1000000\n")
    yield Case("corpus:adaptive-huge", HEADER + "stem:\n  avgpool size=100000\n")
    yield Case("corpus:power-tower", HEADER + "let a = 2 ** 2 ** 2 ** 2 ** 2 ** 2\n" + stem)
    yield Case("corpus:float-overflow", HEADER + "let a = 1e308 * 10\n" + stem)
    yield Case("corpus:float-literal-inf", HEADER + "let a = 1e999\n" + stem)
    yield Case("corpus:int-float-mix", HEADER + "let a = 10**15 + 0.5\nstem:\n  conv floor(a / 10**14) k3\n")
    yield Case("corpus:sqrt-negative", HEADER + "let a = sqrt(-1)\n" + stem)
    yield Case("corpus:divisible-zero", HEADER + "let a = divisible(8, 0)\n" + stem)
    yield Case("corpus:mod-float-zero", HEADER + "let a = 5 % 0.0\n" + stem)
    yield Case("corpus:nul", HEADER + stem + "\x00")
    yield Case("corpus:bom", "\ufeff" + HEADER + stem)
    yield Case("corpus:crlf", (HEADER + stem).replace("\n", "\r\n"))
    yield Case("corpus:cr-only", (HEADER + stem).replace("\n", "\r"))
    yield Case("corpus:form-feed", HEADER + "\x0c" + stem)
    yield Case("corpus:line-separator", HEADER + "stem:\u2028  conv 8 k3\n")
    yield Case("corpus:surrogates", HEADER + "stem:\n  conv 8 k3 \ud800\udfff\n")
    yield Case("corpus:unicode-digits", HEADER + "stem:\n  conv ٣٢ k٣\n")
    yield Case("corpus:greek-names", HEADER + "let αβ = 3\nstem:\n  conv αβ k3\n")
    yield Case("corpus:tabs", HEADER + "stem:\n\tconv 8 k3\n")
    yield Case("corpus:dedent-mismatch", HEADER + "stem:\n    conv 8 k3\n  conv 8 k3\n")
    yield Case("corpus:indent-first-line", "  " + HEADER + stem)
    yield Case("corpus:only-dedents", HEADER + "stem:\n" + "".join("  " * (50 - i) + "act\n" for i in range(50)))
    yield Case("corpus:continuation-eof", HEADER + stem + "  conv 8 \\")
    yield Case("corpus:no-trailing-newline", (HEADER + stem).rstrip("\n"))
    yield Case("corpus:many-variants", HEADER + "variants:\n" + "".join(f"  v{i}: width=1\n" for i in range(20_000)) + stem)
    yield Case("corpus:bad-variant-name", HEADER + stem, variant="\x00" * 1000)
    for key, value in (("alpha", float("nan")), ("alpha", float("inf")), ("rho", float("inf")), ("width", float("nan")),
                       ("depth", float("inf")), ("phi", float("nan")), ("resolution", float("inf")), ("alpha", 1e300),
                       ("depth", 1e300), ("depth", 1e6), ("resolution", 10**7), ("rho", 1e-300), ("alpha", True)):
        yield Case(f"corpus:override:{key}={value}", (SPECS / "efficientnet.arch").read_text(), overrides={key: value},
                   file="efficientnet.arch")
    yield Case("corpus:budget-tiny", (SPECS / "resnet50.arch").read_text(), budget=Budget(max_nodes=1, max_params=1,
                                                                                        max_layer_elements=1, max_activations=1))
    yield Case("corpus:binary", data=bytes(range(256)) * 40)
    yield Case("corpus:utf16", data="network u\ninput 3x32x32\nstem:\n  conv 8 k3\n".encode("utf-16"))
    yield Case("corpus:latin1", data="network u\ninput 3x32x32\n# café\nstem:\n  conv 8 k3\n".encode("latin-1"))
    yield Case("corpus:file-11MB", data=b"network t\n" * 1_100_000)


# ---- running one input --------------------------------------------------------------------------


class Hang(Exception):
    """Raised by the alarm when one input runs past the time limit."""


class Broken(Exception):
    """An input broke the contract: the message says how."""


@dataclass
class Result:
    kind: str
    outcome: str  # "network" or "error"
    seconds: float
    rss_growth_mb: float
    detail: str = ""


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _check_error(e: SpecError, case: Case, file: str, text: str | None) -> str:
    """A SpecError must name the file and a line:col inside the text; its report must print."""
    report = e.format()
    head = report.split("\n", 1)[0]
    if e.file == "--set" and case.overrides:
        return head  # a bad knob value is located at the flag that gave it
    if text is not None and text.lstrip().startswith("{"):
        return head  # a spec IR in JSON: its spans (if any) point into the .arch file it came from
    if e.file != file:
        raise Broken(f"SpecError names file {e.file!r}, not {file!r}: {head}")
    if e.span is None:
        raise Broken(f"SpecError has no line:col: {head}")
    if text is not None:
        lines = max(1, text.count("\n") + 1)
        if not 1 <= e.line <= lines or e.col < 1:
            raise Broken(f"SpecError at {e.line}:{e.col} is outside the text ({lines} lines): {head}")
    if not head.startswith(f"{file}:{e.line}:{e.col}: error: "):
        raise Broken(f"report does not start with file:line:col: {head}")
    return head


def _check_network(net: archspec.Network, torch_check: bool) -> str:
    """A network must serialise, draw, and on the meta device run with the shapes it claims."""
    json.dumps(net.to_dict())
    json.dumps(net.graph.to_dict())
    dumped = net.spec.model_dump_json()
    if type(net.spec).model_validate_json(dumped) != net.spec:
        raise Broken("the IR does not round-trip through JSON")
    for level in ("stage", "block", "layer"):
        net.to_dot(level=level)
    if torch_check:
        import torch

        with torch.device("meta"):
            module = net.to_torch().eval()
            y = module(torch.empty(1, *net.input))
        if tuple(y.shape[1:]) != tuple(net.output):
            raise Broken(f"torch gives {tuple(y.shape[1:])}, the layer graph says {tuple(net.output)}")
        params = sum(p.numel() for p in module.parameters())
        if params != net.params:
            raise Broken(f"torch has {params:,} parameters, the analysis says {net.params:,}")
    return f"{net.params:,} params"


def run_case(case: Case, *, torch_check: bool = True, time_limit: float = TIME_LIMIT_S) -> Result:
    """Load one input under a time limit; raise ``Broken`` if it breaks the contract."""
    before = _rss_mb()
    start = time.perf_counter()
    use_alarm = time_limit > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if case.data is not None:
                path = Path(tmp) / case.file
                path.write_bytes(case.data)
                file, text = str(path), None
                load = lambda: archspec.load(path, case.variant, case.overrides, case.budget)  # noqa: E731
            else:
                file, text = case.file, case.text
                load = lambda: archspec.loads(case.text, case.file, case.variant, case.overrides, case.budget)  # noqa: E731
            try:
                net = load()
            except SpecError as e:
                outcome, detail = "error", _check_error(e, case, file, text)
            else:
                outcome, detail = "network", _check_network(net, torch_check)
    except Hang:
        raise Broken(f"no result within {time_limit:g} s") from None
    except Broken:
        raise
    except RecursionError:
        raise Broken("RecursionError escaped:\n" + traceback.format_exc(limit=-8)) from None
    except Exception as exc:
        raise Broken(f"{type(exc).__name__} escaped:\n" + traceback.format_exc(limit=-12)) from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return Result(case.kind, outcome, time.perf_counter() - start, _rss_mb() - before, detail)


# ---- the long run -------------------------------------------------------------------------------


@dataclass
class Report:
    n: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[tuple[Case, str]] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    max_rss_growth: tuple[float, str] = (0.0, "")
    seconds: float = 0.0

    def add(self, case: Case, result: Result | None, error: str | None) -> None:
        self.n += 1
        if result is None:
            self.counts[(case.kind.split(":")[0] if case.kind.startswith("corpus") else case.kind, "FAILED")] += 1
            self.failures.append((case, error or ""))
            return
        group = "corpus" if case.kind.startswith("corpus") else case.kind
        self.counts[(group, result.outcome)] += 1
        self.slowest = sorted([*self.slowest, (result.seconds, case.describe(120))], reverse=True)[:5]
        if result.rss_growth_mb > self.max_rss_growth[0]:
            self.max_rss_growth = (result.rss_growth_mb, case.describe(120))

    def to_dict(self) -> dict[str, Any]:
        kinds = sorted({k for k, _ in self.counts})
        return {
            "inputs": self.n,
            "seconds": round(self.seconds, 1),
            "failures": len(self.failures),
            "by_generator": {k: {o: self.counts[(k, o)] for o in ("network", "error", "FAILED") if self.counts[(k, o)]}
                             for k in kinds},
            "slowest": [[round(s, 3), k] for s, k in self.slowest],
            "peak_rss_mb": round(_rss_mb(), 1),
            "max_rss_growth_mb": [round(self.max_rss_growth[0], 1), self.max_rss_growth[1]],
        }


def cases(n: int, seed: int, with_corpus: bool = True) -> Iterator[Case]:
    """The hand-written corpus, then ``n`` random inputs from ``seed``."""
    if with_corpus:
        yield from corpus()
    rng = random.Random(seed)
    sources = zoo_sources()
    for _ in range(n):
        yield generate(rng, sources)


def fuzz(n: int, seed: int = 0, *, torch_check: bool = True, with_corpus: bool = True,
         progress: Callable[[Report], None] | None = None) -> Report:
    report = Report()
    if torch_check:  # import torch and warm the meta device first: that cost belongs to no input
        run_case(Case("warm-up", (SPECS / "resnet18.arch").read_text()))
    start = time.perf_counter()
    for case in cases(n, seed, with_corpus):
        try:
            result, error = run_case(case, torch_check=torch_check), None
        except Broken as b:
            result, error = None, str(b)
        report.add(case, result, error)
        if progress and report.n % 500 == 0:
            progress(report)
    report.seconds = time.perf_counter() - start
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="random inputs after the corpus (default 10,000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-torch", action="store_true", help="skip building each valid network on the meta device")
    p.add_argument("--no-corpus", action="store_true", help="skip the hand-written adversarial corpus")
    p.add_argument("--json", metavar="FILE", help="write the report as JSON")
    args = p.parse_args(argv)
    sys.setrecursionlimit(1000)  # the default, whatever the caller set: depth guards must hold at it

    def progress(r: Report) -> None:
        print(f"  {r.n:,} inputs, {len(r.failures)} failures", file=sys.stderr, flush=True)

    report = fuzz(args.n, args.seed, torch_check=not args.no_torch, with_corpus=not args.no_corpus, progress=progress)
    data = report.to_dict()
    print(json.dumps(data, indent=2))
    for case, error in report.failures[:50]:
        print(f"\nFAILED {case.describe()}\n  {error}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
