"""Counting conventions against the real tools, run on the compiled module of every zoo model.

Each tool runs at the spec's own resolution (the heaviest zoo models at a smaller one, which archspec
analyses too), batch 1, eval mode, under ``torch.no_grad()``, on
``archspec.load(name).to_torch()``; archspec's number must equal the tool's exactly, in total and
charged layer by layer. The tools that are not installed are skipped.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.machinery
import importlib.util
import io
import logging
import subprocess
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import archspec
from archspec import zoo
from archspec.conventions import ptflops as ptflops_rules
from tests.conftest import OP_COVER, spec

ZOO = [e.name for e in zoo.entries()]
TOOLS = ("fvcore", "torchinfo", "ptflops", "thop", "calflops")
HAVE = {t: importlib.util.find_spec(t) is not None for t in TOOLS}
LAYER_OPS = {"conv", "linear", "norm", "act", "maxpool", "avgpool"}  # the nodes that run as nn modules


Build = Callable[[], Any]


def _model(net: archspec.Network, build: Build | None = None) -> Any:
    """The compiled module in eval mode, or what ``build`` makes (torchvision's module)."""
    return (build() if build else net.to_torch()).eval()


def _zeros(net: archspec.Network) -> Any:
    import torch

    return torch.zeros((1, *net.input))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The tools print tables and warnings; keep test output readable."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def _import_calflops() -> Any:
    """calflops' package ``__init__`` imports ``transformers`` for its Hugging Face helpers only.

    When transformers is not installed, a bare stand-in lets the import finish; the counting code
    (``calculate_flops`` and its patched functionals) never touches it.
    """
    if "calflops" not in sys.modules and importlib.util.find_spec("transformers") is None:
        stub = types.ModuleType("transformers")
        stub.__spec__ = importlib.machinery.ModuleSpec("transformers", None)
        stub.AutoTokenizer = None  # type: ignore[attr-defined]
        sys.modules["transformers"] = stub
        try:
            import calflops
        finally:
            del sys.modules["transformers"]
        return calflops
    import calflops

    return calflops


# -- the tools, each returning (total, {layer path: count}) -------------------------------------

def run_fvcore(net: archspec.Network, build: Build | None = None) -> tuple[int, dict[str, int], dict[str, int]]:
    import torch
    from fvcore.nn import FlopCountAnalysis

    model = _model(net, build)
    with torch.no_grad(), _quiet():
        a = FlopCountAnalysis(model, _zeros(net)).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        total, by_module, by_op = a.total(), a.by_module(), a.by_operator()
    return total, {n.name: by_module.get(n.name, 0) for n in net.graph.nodes if n.op in LAYER_OPS}, dict(by_op)


def run_flop_counter(net: archspec.Network, build: Build | None = None) -> tuple[int, dict[str, int], dict[str, int]]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model = _model(net, build)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(_zeros(net))
    counts = counter.get_flop_counts()
    root = type(model).__name__
    per_layer = {n.name: sum(counts.get(f"{root}.{n.name}", {}).values()) for n in net.graph.nodes if n.op in LAYER_OPS}
    return counter.get_total_flops(), per_layer, {str(k): v for k, v in counts.get("Global", {}).items()}


def run_torchinfo(net: archspec.Network, build: Build | None = None) -> tuple[Any, dict[str, int]]:
    import torchinfo

    model = _model(net, build)
    paths = {id(m): p for p, m in model.named_modules()}
    with _quiet():
        stats = torchinfo.summary(model, input_size=(1, *net.input), verbose=0, device="cpu")
    per_layer = {paths[id(info.module)]: info.macs for info in stats.summary_list if info.is_leaf_layer}
    return stats, per_layer


def run_thop(net: archspec.Network, build: Build | None = None) -> tuple[int, dict[str, int]]:
    import thop

    with _quiet():
        total, _, tree = thop.profile(_model(net, build), inputs=(_zeros(net),), verbose=False, ret_layer_info=True)
    per_layer: dict[str, int] = {}

    def walk(prefix: str, d: dict[str, Any]) -> None:
        for name, (ops, _, children) in d.items():
            path = f"{prefix}{name}"
            if children:
                walk(path + ".", children)
            else:
                per_layer[path] = int(ops)

    walk("", tree)
    return int(total), per_layer


def run_ptflops(net: archspec.Network, build: Build | None = None) -> int:
    from ptflops import get_model_complexity_info

    with _quiet():
        macs, _ = get_model_complexity_info(_model(net, build), tuple(net.input), as_strings=False, print_per_layer_stat=False)
    return int(macs)


def run_ptflops_modules(net: archspec.Network) -> dict[str, int]:
    """ptflops' module hooks, read per module before it clears them (its functional patches are global)."""
    import torch
    from ptflops import pytorch_engine as pe

    model = pe.add_flops_counting_methods(_model(net))
    model.start_flops_count(ost=io.StringIO(), verbose=False, ignore_list=[])
    with torch.no_grad():
        model(_zeros(net))
    per_layer = {p: int(m.__flops__) for p, m in model.named_modules() if hasattr(m, "__flops__")}
    model.stop_flops_count()
    return per_layer


def run_calflops(net: archspec.Network, build: Build | None = None) -> tuple[int, int]:
    import torch

    calflops = _import_calflops()
    with torch.no_grad(), _quiet():
        flops, macs, _ = calflops.calculate_flops(_model(net, build), input_shape=(1, *net.input), print_results=False,
                                                  output_as_string=False)
    return int(macs), int(flops)


def run_calflops_modules(net: archspec.Network) -> dict[str, tuple[int, int]]:
    """calflops' pipeline, read per module ((MACs, FLOPs) charged to each) before it is torn down."""
    import torch

    _import_calflops()
    from calflops.calculate_pipline import CalFlopsPipline

    model = _model(net)
    pipeline = CalFlopsPipline(model=model, include_backPropagation=False, compute_bp_factor=2.0)
    pipeline.start_flops_calculate(ignore_list=None)
    with torch.no_grad():
        model(_zeros(net))
    per_layer = {p: (int(m.__macs__), int(m.__flops__)) for p, m in model.named_modules() if not list(m.children())}
    pipeline.end_flops_calculate()
    return per_layer


# -- the checks ------------------------------------------------------------------------------------

def _ours(net: archspec.Network, name: str, keep: Callable[[str], bool] = lambda item: True) -> dict[str, int]:
    """Our count of every layer that runs as an nn module, optionally only some of its items."""
    t = net.tally
    return {n.name: sum(v for k, v in t.items[i][name] if keep(k)) for i, n in enumerate(net.graph.nodes) if n.op in LAYER_OPS}


# The heaviest models are cross-checked at a reduced input size, which archspec analyses too: every
# layer still runs through every tool, at a fraction of the cost (VGG-19 at 224² is 20 GMACs a pass).
CROSS_CHECK_MACS = 2_000_000_000
CROSS_CHECK_SIZES = (112, 128, 160, 192)


def _cross_check_net(name: str) -> archspec.Network:
    """The zoo model at its own size, or at the first smaller size its spec allows when it is heavy."""
    net = archspec.load(name)
    if net.macs <= CROSS_CHECK_MACS:
        return net
    for res in (r for r in CROSS_CHECK_SIZES if r < net.input[1]):
        try:
            return archspec.load(name, overrides={"resolution": res})
        except archspec.SpecError:
            continue
    return net


def _check_tools(name: str, net: archspec.Network | None = None) -> None:
    net = net or archspec.load(name)
    compiled = net.to_torch()

    def build() -> Any:
        return copy.deepcopy(compiled)  # a fresh copy per tool: cheaper than initialising VGG's weights again

    failures: list[str] = []

    def same(what: str, ours: Any, theirs: Any) -> None:
        if ours != theirs:
            if isinstance(ours, dict) and isinstance(theirs, dict):
                diff = {k: (ours.get(k), theirs.get(k)) for k in {*ours, *theirs} if ours.get(k, 0) != theirs.get(k, 0)}
                if not diff:
                    return
                failures.append(f"{what}: {len(diff)} differ, e.g. {dict(list(diff.items())[:4])}")
            else:
                failures.append(f"{what}: archspec {ours:,} != tool {theirs:,}")

    total, per_layer, _ = run_flop_counter(net, build)
    same("torch total", net.count("torch"), total)
    same("torch layers", _ours(net, "torch"), per_layer)
    if HAVE["fvcore"]:
        total, per_layer, by_op = run_fvcore(net, build)
        same("fvcore total", net.count("fvcore"), total)
        same("fvcore layers", _ours(net, "fvcore"), per_layer)
        same("fvcore operators", net.tally.by_operator("fvcore"), by_op)
    if HAVE["torchinfo"]:
        stats, per_layer = run_torchinfo(net, build)
        same("torchinfo total", net.count("torchinfo"), stats.total_mult_adds)
        same("torchinfo layers", _ours(net, "torchinfo"), {k: v for k, v in per_layer.items() if k in _ours(net, "torchinfo")})
        mem = net.memory()
        same("torchinfo input bytes", mem.torchinfo["input_bytes"], stats.total_input)
        same("torchinfo forward/backward bytes", mem.torchinfo["forward_backward_bytes"], stats.total_output_bytes)
        same("torchinfo params bytes", mem.torchinfo["params_bytes"], stats.total_param_bytes)
        same("torchinfo params", net.params, stats.total_params)
    if HAVE["thop"]:
        total, per_layer = run_thop(net, build)
        same("thop total", net.count("thop"), total)
        same("thop layers", _ours(net, "thop"), {k: v for k, v in per_layer.items() if k in _ours(net, "thop")})
    if HAVE["ptflops"]:
        same("ptflops total", net.count("ptflops"), run_ptflops(net, build))
    if HAVE["calflops"]:
        macs, flops = run_calflops(net, build)
        same("calflops MACs", net.count("calflops"), macs)
        same("calflops FLOPs", net.count("calflops_flops"), flops)
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("name", OP_COVER)
def test_every_tool_agrees_on_the_zoo(name: str) -> None:
    """One test per model runs every installed tool once on the compiled module (the heaviest at a smaller size),
    on models that between them use every op configuration of the zoo (OP_COVER); every zoo model's counts are
    checked against fvcore's figures for torchvision in tests/specs."""
    _check_tools(name, _cross_check_net(name))


# Every op of the layer graph in one network: each tool's count must equal archspec's rule for it.
EVERY_OP = """network every_op
input 3x32x32
stem:
  conv 16 k3 s2 bias norm=none act=leaky_relu
  conv 16 k1x3 act=hardswish
  conv 32 k3x1 norm=gn act=mish
  norm gn groups=4
  act leaky_relu slope=0.2
  act identity
  concat split=2:
    branch: identity
    branch: conv 8 k3 groups=8 act=silu
  shuffle 2
  sum act=relu:
    branch: conv 24 k3 act=none
    branch: conv 24 k1 act=none
    branch: norm bn
    branch: identity
  select split=2:
    branch: conv 24 k3
    branch: conv 24 k3 d2
    attention:
      mean keep
      conv 8 k1
      conv 48 k1 norm=none act=none bias=false
  cascade split=3:
    branch: conv 8 k3
    branch: conv 8 k3 act=none
  residual drop_path=0.1 order=shortcut_first:
    conv 32 k3 s2 act=gelu
    scale:
      avgpool global
      conv 8 k1 norm=none
      conv 32 k1 norm=none act=hardsigmoid
  residual:
    conv 32 k7 groups=32 bias norm=none act=none
    channels_last
    norm ln
    fc 64 act=gelu
    fc 32
    channels_first
    layer_scale 0.5
  upsample 2
  upsample 2 bilinear
  maxpool k3 s2 p1 ceil
  avgpool k2 s1
  norm ln
  residual shortcut=zeropad:
    conv 48 k3 s2 act=relu6
  residual order=shortcut_first:
    conv 48 k3 s2
    shortcut:
      avgpool 2 s2 ceil
      conv 48 k1 act=none
  act tanh
  act sigmoid
head:
  avgpool size=2
  maxpool global
  mean
  dropout 0.2
  fc 10
"""


def test_every_tool_agrees_on_every_op() -> None:
    _check_tools("every_op", archspec.loads(EVERY_OP, file="<every_op>"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["resnet50", "efficientnet_b0", "vgg11"])
def test_torchvision_modules_give_the_same_numbers(name: str) -> None:
    """Where torchvision's module is built from the same nn layers, every tool gives it our number.

    (Not so where torchvision calls a function instead of a layer: MobileNet v2's pooling is
    ``F.adaptive_avg_pool2d`` in its ``forward``, which thop does not see and ptflops counts once.)
    """
    torchvision = pytest.importorskip("torchvision")
    import torch

    if zoo.find(name) is None:
        pytest.skip(f"{name} is not in the zoo")
    # At 112 px (each pools adaptively before its classifier, as torchvision's does): the same layers,
    # a quarter of the MACs for six tools' forward passes. Weights left uninitialised: counts do not read them.
    net = archspec.load(name, overrides={"resolution": 112})

    def build() -> Any:
        with torch.device("meta"):
            model = getattr(torchvision.models, name)()
        return model.to_empty(device="cpu")

    theirs = {"torch": run_flop_counter(net, build)[0]}
    if HAVE["fvcore"]:
        theirs["fvcore"] = run_fvcore(net, build)[0]
    if HAVE["torchinfo"]:
        theirs["torchinfo"] = run_torchinfo(net, build)[0].total_mult_adds
    if HAVE["thop"]:
        theirs["thop"] = run_thop(net, build)[0]
    if HAVE["ptflops"]:
        theirs["ptflops"] = run_ptflops(net, build)
    if HAVE["calflops"]:
        theirs["calflops"], theirs["calflops_flops"] = run_calflops(net, build)
    assert {k: net.count(k) for k in theirs} == theirs


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v3_large"])
def test_tools_agree_on_a_resnet_and_a_mobilenet(name: str) -> None:
    """The quick version of the zoo test: bias-free convs, ReLU, max pool (ResNet); SE, hardswish,
    hardsigmoid, mul (MobileNet v3)."""
    if zoo.find(name) is None:
        pytest.skip(f"{name} is not in the zoo")
    _check_tools(name)


@pytest.mark.skipif(not HAVE["ptflops"], reason="ptflops not installed")
@pytest.mark.parametrize("name", ["resnet18", "efficientnet_b0", "googlenet", "lenet5"])
def test_ptflops_module_hooks_per_layer(name: str) -> None:
    """ptflops' module-hook half, layer by layer (its functional half is one global sum, checked in total)."""
    if zoo.find(name) is None:
        pytest.skip(f"{name} is not in the zoo")
    net = archspec.load(name)
    theirs = run_ptflops_modules(net)
    ours = _ours(net, "ptflops", ptflops_rules.module_part)
    assert ours == {k: theirs.get(k, 0) for k in ours}


@pytest.mark.skipif(not HAVE["calflops"], reason="calflops not installed")
@pytest.mark.parametrize("name", ["resnet18", "efficientnet_b0", "mobilenet_v2", "lenet5"])
def test_calflops_per_layer(name: str) -> None:
    if zoo.find(name) is None:
        pytest.skip(f"{name} is not in the zoo")
    net = archspec.load(name)
    theirs = run_calflops_modules(net)
    ours = {k: (m, f) for (k, m), f in zip(_ours(net, "calflops").items(), _ours(net, "calflops_flops").values(), strict=True)}
    assert ours == {k: theirs.get(k, (0, 0)) for k in ours}


# -- the conventions without the tools -------------------------------------------------------------

RESNET50 = {"macs": 4_089_184_256, "fvcore": 4_111_512_576, "torch": 8_178_368_512, "calflops": 4_089_184_256,
            "calflops_flops": 8_211_108_352, "torchinfo": 4_089_238_376, "ptflops": 4_132_436_968, "thop": 4_133_742_592}


def test_resnet50_figures_the_tools_print() -> None:
    """The figures each tool prints for torchvision's ResNet-50 (same layers as ours)."""
    counts = archspec.load("resnet50").counts()
    assert {k: counts[k] for k in RESNET50} == RESNET50


@pytest.mark.parametrize("name", ZOO)
def test_native_conventions_equal_the_analysis(name: str) -> None:
    net = archspec.load(name)
    assert (net.count("macs"), net.count("flops"), net.count("fvcore")) == (net.macs, net.flops, net.fvcore)
    assert net.count() == net.macs


def test_counts_need_no_torch() -> None:
    code = ("import sys, archspec; n = archspec.load('resnet50'); n.counts(); n.memory(batch=8, dtype='bf16'); "
            "n.to_dict(); assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_convention_is_named() -> None:
    net = archspec.load("resnet18")
    with pytest.raises(ValueError, match="ptflops"):
        net.count("ptflop")
    assert net.count("PTFLOPS") == net.count("ptflops") and net.count("calflops-flops") == net.count("calflops_flops")


def test_by_hand_every_rule_on_a_tiny_network() -> None:
    """conv (bias) → relu → maxpool → conv → silu → global avgpool → fc, counted by hand."""
    net = archspec.loads(spec(
        "stem:\n  conv 4 k3 bias norm=none act=relu\n  maxpool k2 s2\n  conv 8 k1 act=silu\n"
        "head:\n  avgpool global\n  flatten\n  fc 2\n", input="1x4x4"))
    conv1, relu, pool = 4 * 16 * 9, 4 * 16, 4 * 16  # 4×4×4 outputs of a 1-channel 3×3 conv; the pool reads them
    conv2, bn, silu, gap, fc = 8 * 4 * 4, 8 * 4, 8 * 4, 8 * 4, 8 * 2  # 8×2×2 after the pool
    c = net.counts()
    assert c["macs"] == conv1 + conv2 + fc
    assert c["fvcore"] == conv1 + conv2 + 2 * bn + gap + fc
    assert c["torch"] == 2 * (conv1 + conv2 + fc)
    assert c["calflops_flops"] == 2 * conv1 + 64 + relu + pool + 2 * conv2 + 2 * bn + silu + gap + 2 * fc
    assert c["torchinfo"] == conv1 + 64 + conv2 + 2 * 8 + fc + 2
    assert c["ptflops"] == conv1 + 64 + 2 * relu + 2 * pool + conv2 + 2 * bn + silu + 2 * gap + fc + 2
    assert c["thop"] == conv1 + conv2 + 4 * bn + (4 + 1) * 8 + fc
    diff = net.tally.difference("ptflops")
    assert diff == {"conv": 64, "norm": 2 * bn, "act": 2 * relu + silu, "pool": 2 * pool + 2 * gap, "linear": 2}


def test_per_layer_counts_in_the_json() -> None:
    net = archspec.load("resnet18")
    d = net.to_dict()
    layers = d["layers"]
    for name, total in net.counts().items():
        assert sum(layer["counts"][name] for layer in layers) == total == d["counts"][name]
    first = layers[0]
    assert first["path"] == "stem.conv1" and first["counts"]["macs"] == first["macs"]
    relu = next(layer for layer in layers if layer["op"] == "act")
    assert relu["counts"]["ptflops"] == 2 * relu["activations"] and relu["counts"]["macs"] == 0
    assert d["convention_details"]["ptflops"]["difference_from_macs"]["act"] > 0


# -- memory -----------------------------------------------------------------------------------------

def measure_saved_bytes(net: archspec.Network, batch: int) -> int:
    """Bytes autograd keeps for backward in one CPU training forward pass, each storage once."""
    import torch

    model = net.to_torch().train()
    own = {t.untyped_storage().data_ptr() for t in [*model.parameters(), *model.buffers()]}
    kept: dict[int, int] = {}

    def pack(t: Any) -> Any:
        storage = t.untyped_storage()
        if storage.data_ptr() not in own:
            kept[storage.data_ptr()] = storage.nbytes()
        return t

    x = torch.randn((batch, *net.input))
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x)
    del out
    return sum(kept.values())


@pytest.mark.parametrize("name", ["resnet18", "efficientnet_b0", "mobilenet_v3_large", "googlenet", "lenet5", "alexnet",
                                  "shufflenet_v2_x0_5", "mnasnet0_5", "squeezenet1_1"])
def test_saved_activations_equal_what_autograd_keeps(name: str) -> None:
    if zoo.find(name) is None:
        pytest.skip(f"{name} is not in the zoo")
    net = archspec.load(name)
    assert net.memory(batch=2, device="cpu").saved == measure_saved_bytes(net, 2)


def test_saved_activations_of_layernorm_and_layer_scale() -> None:
    """A ConvNeXt block at a small size: LayerNorm keeps its per-position statistics, γ · x keeps x."""
    net = archspec.loads(spec("defaults: norm_eps=0.000001\nstem:\n  conv 16 k4 s4 p0 bias norm=ln act=none\n"
                              "  residual:\n    conv 16 k7 groups=16 bias norm=none act=none\n    channels_last\n"
                              "    norm ln\n    fc 64 act=gelu\n    fc 16\n    channels_first\n    layer_scale 0.5\n"
                              "head:\n  avgpool global\n  norm ln\n  flatten\n  fc 10\n"))
    assert net.memory(batch=2, device="cpu").saved == measure_saved_bytes(net, 2)


def test_memory_by_hand() -> None:
    net = archspec.load("resnet18")
    m1, m8 = net.memory(), net.memory(batch=8, dtype="bf16")
    assert m1.params == 4 * net.params and m8.params == 2 * net.params
    assert m1.adam == 2 * m1.sgd_momentum == 2 * m1.grads
    assert m1.activations == 4 * net.activations and m8.activations == 8 * 2 * net.activations
    assert m1.train_adam - m1.train_sgd_momentum == m1.params
    assert m8.saved < 8 * m1.saved  # half the bytes per element, 8 samples (the int64 indices stay 8 bytes)
    ti = m1.torchinfo
    assert ti["total_bytes"] == ti["input_bytes"] + ti["forward_backward_bytes"] + ti["params_bytes"]
    with pytest.raises(ValueError, match="dtype"):
        net.memory(dtype="int3")


def test_saved_activations_of_every_op() -> None:
    net = archspec.loads(EVERY_OP, file="<every_op>")
    assert net.memory(batch=2, device="cpu").saved == measure_saved_bytes(net, 2)
