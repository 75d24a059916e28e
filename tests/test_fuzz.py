"""Hostile input ends as a valid network or a located SpecError: never a traceback, a hang or a blow-up.

The short run of the fuzzer (tests/fuzz.py): a few hundred hypothesis and seeded inputs, the
hand-written adversarial corpus, every zoo spec under every mutation, truncation at every byte of
three specs, and the inputs that once crashed archspec. The long run is
``python -m tests.fuzz --n 10000`` (docs/reliability.md).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archspec
from archspec import SpecError
from archspec.cli import main
from tests import fuzz
from tests.conftest import zoo_params

SOURCES = fuzz.zoo_sources()
SPECS = sorted(SOURCES)
# The edit-test loop mutates these files; the whole zoo's are marked slow (the README's command runs them).
FAST_SPECS = ("lenet5.arch", "resnet18.arch", "mobilenet_v2.arch", "googlenet.arch", "densenet.arch")
# Corpus inputs that take over half a second each (thousands of branches, exponential block calls): marked
# slow, so the edit-test loop stays short; they still run in the README's command and CI.
HEAVY_CORPUS = {f"corpus:{k}" for k in ("sum-1000-convs", "sum-20000-identities", "exponential-blocks",
                                        "exponential-blocks-25", "exponential-empty-blocks-25", "many-variants",
                                        "many-blocks", "1MB-statements", "repeat-lets")}
# Derandomized: CI sees the same inputs every run; the long run explores with fresh seeds.
FUZZ = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(case: fuzz.Case, *, torch_check: bool = True) -> fuzz.Result:
    try:
        return fuzz.run_case(case, torch_check=torch_check)
    except fuzz.Broken as b:
        pytest.fail(f"{case.describe()}\n{b}", pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def _stack_at_default() -> None:
    """The depth guards must hold at Python's default stack limit, whatever a plugin set."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


# ---- hypothesis -----------------------------------------------------------------------------------


@FUZZ
@given(st.lists(st.sampled_from(fuzz.TOKENS), max_size=80), st.booleans())
def test_random_token_streams(tokens: list[str], header: bool) -> None:
    text = ("network h\ninput 3x32x32\n" if header else "") + " ".join(tokens)
    check(fuzz.Case("hypothesis:tokens", text))


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    check(fuzz.Case("hypothesis:text", text))


@FUZZ
@given(st.sampled_from(SPECS), st.sampled_from(sorted(fuzz.MUTATORS)), st.integers(0, 2**32 - 1))
def test_mutated_zoo_specs(name: str, mutator: str, seed: int) -> None:
    text = fuzz.MUTATORS[mutator](random.Random(seed), SOURCES[name], SOURCES)
    check(fuzz.Case(f"hypothesis:{mutator}", text, file=name))


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_random_specs(seed: int) -> None:
    check(fuzz.Case("hypothesis:random-spec", fuzz.random_spec(random.Random(seed))))


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_spec_ir_json(seed: int) -> None:
    check(fuzz.Case("hypothesis:ir-json", fuzz.ir_json(random.Random(seed), SOURCES)))


@FUZZ
@given(st.binary(max_size=300))
def test_binary_files(data: bytes) -> None:
    check(fuzz.Case("hypothesis:bytes", data=data))


# ---- seeded sweeps ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mutator", sorted(fuzz.MUTATORS))
@pytest.mark.parametrize("name", zoo_params(SPECS, FAST_SPECS))
def test_every_zoo_spec_under_every_mutation(name: str, mutator: str) -> None:
    rng = random.Random(f"{name}:{mutator}")
    check(fuzz.Case(f"mutate:{mutator}", fuzz.MUTATORS[mutator](rng, SOURCES[name], SOURCES), file=name))


@pytest.mark.parametrize("name", zoo_params(["lenet5.arch", "resnet18.arch", "mobilenet_v2.arch"], FAST_SPECS[:2]))
def test_truncation_at_every_byte(name: str) -> None:
    """Every prefix of the file's bytes, loaded from disk as the CLI does (some cut a UTF-8 character)."""
    raw = (fuzz.SPECS / name).read_bytes()
    outcomes = {check(fuzz.Case("truncate", data=raw[:k], file=name), torch_check=False).outcome for k in range(len(raw) + 1)}
    assert outcomes == {"network", "error"}


def test_seeded_generators() -> None:
    """A batch from the long run's own generator, seed 0: the command and the tests share one contract."""
    for case in fuzz.cases(100, seed=0, with_corpus=False):
        check(case)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.kind.removeprefix("corpus:"),
                                               marks=[pytest.mark.slow] if c.kind in HEAVY_CORPUS else [])
                                  for c in fuzz.corpus()])
def test_adversarial_corpus(case: fuzz.Case) -> None:
    check(case)


# ---- inputs that once crashed archspec --------------------------------------------------------------

H = "network t\ninput 3x32x32\n"
STEM = "stem:\n  conv 8 k3\n"

# (what crashed, spec text, overrides, line, col, message fragment)
REGRESSIONS = [
    ("RecursionError in the transformer (VisitError)", H + "let a = " + "2**" * 2000 + "1\n" + STEM, None, 3, 310,
     "expression too long"),
    ("IR too deep for JSON", H + "let a = " + "- " * 400 + "1\n" + STEM, None, 3, 209, "expression too long"),
    ("RecursionError evaluating a long sum", H + "let a = " + "1+" * 900 + "1\n" + STEM, None, 3, 210, "expression too long"),
    ("int() of a 5000-digit literal", H + "stem:\n  conv " + "9" * 5000 + " k3\n", None, 4, 8, "more than 100 digits"),
    ("int() of a 5000-digit shorthand", H + "stem:\n  conv 8 k" + "9" * 5000 + "\n", None, 4, 10, "more than 100 digits"),
    ("int() of a 5000-digit input size", "network t\ninput 3x" + "9" * 5000 + "x1\n" + STEM, None, 2, 7, "more than 100 digits"),
    ("an infinite literal in the IR (JSON null)", H + "block b(c, d=1e999):\n  conv c k3\n" + STEM, None, 3, 14, "is too large"),
    ("lone surrogate breaks JSON output", H + "# \ud800\n" + STEM, None, 3, 3, "unpaired surrogate"),
    ("alpha=NaN: int(nan)", H + STEM, {"alpha": float("nan")}, 1, 1, "cannot set `alpha`"),
    ("rho=inf: int(inf)", H + STEM, {"rho": float("inf")}, 1, 1, "cannot set `rho`"),
    ("depth=inf: int(inf)", H + "stages basic:\n  8 x2\n", {"depth": float("inf")}, 1, 1, "cannot set `depth`"),
    ("a blocks-only file: the `no layers` error had no location", "block b(c):\n  conv c k3\n", None, 1, 1, "no layers"),
    ("a layerless loop never ended", H + STEM + "  repeat 90000:\n    repeat 90000:\n      let q = 1\n", None, 5, 3,
     "more than 401,000 steps"),
    ("IndexError: `dense` after `flatten`", H + "stem:\n  flatten\n  dense 2:\n    fc 1\n", None, 5, 3, "`dense` needs a C×H×W input"),
    ("an empty input reached torch", "network t\ninput 0x32x32\n" + STEM, None, 2, 7, "the input 0×32×32 is empty"),
]


@pytest.mark.parametrize("text,overrides,line,col,message", [r[1:] for r in REGRESSIONS], ids=[r[0] for r in REGRESSIONS])
def test_regression(text: str, overrides: dict | None, line: int, col: int, message: str) -> None:
    with pytest.raises(SpecError) as info:
        archspec.loads(text, "bad.arch", overrides=overrides)
    e = info.value
    assert message in e.message, e.format()
    assert (e.file, e.line, e.col) == ("--set" if overrides else "bad.arch", line, col), e.format()


def test_stage_named_like_a_module_attribute_builds() -> None:
    """`stage forward:` once crashed torch's add_module; the submodule is now `forward_`."""
    import torch

    net = archspec.loads(H + "stage forward:\n  conv 8 k3\nstage eval:\n  conv 8 k3\n")
    module = net.to_torch()
    assert module(torch.zeros(1, 3, 32, 32)).shape == (1, 8, 32, 32)
    assert {k.split(".")[0] for k in module.state_dict()} == {"forward_", "eval_"}


# ---- the command line and file references ------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, bytes(range(256)) * 4, b"\xff\xfe" + "network x".encode("utf-16-le"),
                                  b"network t\ninput 3x32x32\nstem:\n  conv 8 k3 \xe2\x82\n"], ids=["empty", "nul", "bytes", "utf16", "cut-utf8"])
def test_cli_binary_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    path = tmp_path / "junk.arch"
    path.write_bytes(data)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert err.startswith(f"{path}:"), err


@pytest.mark.parametrize("ref", ["a" * 5000, "specs/resnet18.arch:" + "b" * 5000, "\x00", "/", "/proc/self/mem", "/dev/null", ":"])
def test_odd_references_are_spec_errors(ref: str) -> None:
    with pytest.raises(SpecError):
        archspec.load(ref)


def test_cli_huge_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.arch"
    path.write_bytes(b"# padding\n" * 1_100_000)
    assert main(["check", str(path)]) == 2
    assert "larger than 2 MB" in capsys.readouterr().err
