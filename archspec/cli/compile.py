"""``archspec compile``: check, analyse, build the PyTorch module, run it once, write artifacts."""

from __future__ import annotations

import argparse
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from archspec.backends import BACKENDS
from archspec.cli.common import EXIT_OK, add_spec_args, err, load_network, print_json, print_stages, say, shape, totals_line
from archspec.cli.helpformat import Help
from archspec.errors import SpecError, did_you_mean
from archspec.extras import require
from archspec.files import write_atomic
from archspec.network import Network

HELP = """examples:
  archspec compile specs/resnet50.arch
  archspec compile efficientnet_b0 --device cpu -o out/
  archspec compile specs/mobilenet_v1.arch --set alpha=0.5 --json
  archspec compile resnet50 --emit py,onnx             a standalone .py and an ONNX model
  archspec compile resnet50 --emit onnx --weights w.pt --fuse

Writes build/<name>/. --emit picks what (default json,svg):
"""

HELP += "".join(textwrap.fill(f"{b.output}: {b.title}", 78, initial_indent=f"  {b.name:<12} ", subsequent_indent=" " * 15)
                + "\n" for b in BACKENDS.values())
EMITS = tuple(BACKENDS)  # every registered backend
DEFAULT_EMIT = ("json", "svg")
# The backends that export the torch module: they get a CPU module, loadable anywhere.
EXPORTERS = frozenset(name for name, b in BACKENDS.items() if b.needs in ("torch", "onnx") and name != "py")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compile", help="build the PyTorch module, run it once, write artifacts", epilog=HELP,
                       formatter_class=Help)
    add_spec_args(p)
    p.add_argument("-o", "--out", default="build", metavar="DIR", help="artifacts go to DIR/<name>/ (default build)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                   help="where to run the forward pass (default auto)")
    p.add_argument("--batch", type=int, default=1, metavar="N", help="batch size of the dummy forward pass (default 1)")
    p.add_argument("--emit", default=",".join(DEFAULT_EMIT), metavar="KINDS",
                   help=f"comma-separated outputs: {', '.join(EMITS)} (default {','.join(DEFAULT_EMIT)})")
    p.add_argument("--weights", metavar="FILE", help="map a state_dict (.pt, or torchvision:NAME) onto the module by position")
    p.add_argument("--fuse", action="store_true",
                   help="the onnx/torchscript/export outputs for inference: BatchNorm folded into convs, identities dropped")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run)


def parse_emit(text: str) -> tuple[str, ...]:
    """``py,onnx`` → ("py", "onnx"); unknown kinds are an error naming the known ones."""
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in EMITS]
    if unknown or not kinds:
        raise SpecError(f"--emit: unknown output `{unknown[0] if unknown else text}`", file="--emit",
                        hint=(did_you_mean(unknown[0], EMITS) if unknown else None) or f"choose from {', '.join(EMITS)}")
    return kinds


def artifacts(net: Network, emit: tuple[str, ...] = DEFAULT_EMIT, module: Any = None) -> dict[str, Callable[[], str | bytes]]:
    """File name → producer, for everything compile writes, from the registered backends. ``module``: the
    torch module the exporting backends export (default: ``net.to_torch()`` on the CPU)."""
    files: dict[str, Callable[[], str | bytes]] = {}
    for name in emit:
        files.update(BACKENDS[name].files(net.target, module))
    return files


def run(args: argparse.Namespace) -> int:
    if args.batch < 1:
        err.print("archspec: --batch must be at least 1", markup=False)
        return 2
    emit = parse_emit(args.emit)
    require("archspec compile", "torch")
    if "onnx" in emit:
        require("archspec compile --emit onnx", "onnx", "onnxscript")
    if args.weights and args.weights.startswith("torchvision:"):
        require("--weights torchvision:NAME", "torchvision")
    result: dict[str, Any] = {}
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True,
                  disable=args.json or not err.is_terminal) as progress:
        task = progress.add_task("checking and analysing the spec", total=None)
        net = load_network(args)
        progress.update(task, description="loading PyTorch")
        import torch

        from archspec.backends.torch import check_device

        device = check_device(args.device)  # a device this machine lacks: one error, exit 2
        assert device is not None
        progress.update(task, description=f"building the module on {device}")
        t0 = time.perf_counter()
        from archspec.backends.weights import WeightsError

        try:
            model = net.to_torch(device=device, weights=args.weights).eval()
        except WeightsError as exc:
            err.print(f"archspec: --weights {args.weights}: {exc}", markup=False)
            return 2
        build_s = time.perf_counter() - t0
        progress.update(task, description="running one forward pass")
        x = torch.randn(args.batch, *net.input, device=device)
        t0 = time.perf_counter()
        with torch.no_grad():
            y = model(x)
        if device.type == "cuda":
            torch.cuda.synchronize()
        forward_s = time.perf_counter() - t0
        got = tuple(y.shape[1:])
        if got != tuple(net.output):
            err.print(f"archspec: the module's output {shape(got)} differs from the analysis {shape(net.output)}", markup=False)
            return 1
        torch_params = sum(p.numel() for p in model.parameters())
        if torch_params != net.params:
            err.print(f"archspec: the module has {torch_params:,} parameters, the analysis {net.params:,}", markup=False)
            return 1
        progress.update(task, description="writing artifacts")
        outdir = Path(args.out) / (net.name + (f"_{net.variant}" if net.variant else ""))
        written = []
        portable = None  # the torch outputs are exported from a CPU module, loadable anywhere
        if EXPORTERS & set(emit):
            portable = model if device.type == "cpu" and not args.fuse else net.to_torch(weights=args.weights, fuse=args.fuse)
        for name, make in artifacts(net, emit, portable).items():
            write_atomic(outdir / name, make())
            written.append(str(outdir / name))
    result = {
        "name": net.name, "variant": net.variant, "input": list(net.input), "output": list(net.output),
        "params": net.params, "macs": net.macs, "flops": net.flops, "device": str(device),
        "build_seconds": round(build_s, 4), "forward_seconds": round(forward_s, 4), "artifacts": written,
    }
    if args.json:
        print_json(result)
        return EXIT_OK
    print_stages(net)
    say(totals_line(net))
    say(f"built {type(model).__name__} on {device} in {build_s:.2f} s; forward pass on {shape((args.batch, *net.input))} "
              f"→ {shape(tuple(y.shape))} in {forward_s * 1000:.0f} ms")
    say("wrote " + ", ".join(written))
    return EXIT_OK
