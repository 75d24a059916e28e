"""``archspec weights import``: map a foreign state_dict onto a spec's module and save it under our names."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from archspec.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_spec_args, err, load_network, out, print_json
from archspec.cli.helpformat import Help
from archspec.extras import require
from archspec.files import write_atomic

HELP = """examples:
  archspec weights import resnet50 --from torchvision:resnet50 -o resnet50.pt
  archspec weights import resnet18 --from checkpoint.pth -o ours.pt --json

Tensors are mapped by position with a shape check each (the names may differ); a failure names the
first mismatch, both keys and both shapes, and exits 2. torchvision:NAME builds
torchvision.models.NAME(weights=None): freshly initialised, never downloaded. The saved file has
archspec's keys: `net.to_torch(weights="out.pt")` and the generated `.py` model both load it.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("weights", help="import foreign weights onto a spec's module", epilog=HELP,
                       formatter_class=Help)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="map a state_dict onto the module by position", epilog=HELP,
                             formatter_class=Help)
    add_spec_args(imp)
    imp.add_argument("--from", dest="source", required=True, metavar="FILE|torchvision:NAME",
                     help="a state_dict saved with torch.save, or torchvision:NAME")
    imp.add_argument("-o", "--out", required=True, metavar="FILE", help="where to save the mapped state_dict")
    imp.add_argument("--json", action="store_true", help="print the mapping as JSON")
    imp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require("archspec weights import", "torch")
    if args.source.startswith("torchvision:"):
        require("--from torchvision:NAME", "torchvision")
    net = load_network(args)
    import torch

    from archspec.backends.weights import WeightsError, load_weights

    module = net.to_torch()
    try:
        mapping = load_weights(module, args.source)
    except WeightsError as exc:
        err.print(f"archspec: cannot import {args.source} onto {net.name}: {exc}", markup=False)
        return EXIT_BAD_INPUT
    path = Path(args.out)
    buf = io.BytesIO()
    torch.save(module.state_dict(), buf)
    write_atomic(path, buf.getvalue())
    renamed = {k: v for k, v in mapping.items() if k != v}
    if args.json:
        print_json({"name": net.name, "variant": net.variant, "source": args.source, "out": str(path),
                    "tensors": len(mapping), "renamed": len(renamed), "mapping": mapping})
        return EXIT_OK
    out.print(f"mapped {len(mapping)} tensors from {args.source} onto {net.name} ({len(renamed)} renamed); wrote {path}",
              markup=False)
    for ours, theirs in list(renamed.items())[:3]:
        out.print(f"  {theirs} → {ours}", markup=False)
    if len(renamed) > 3:
        out.print(f"  … and {len(renamed) - 3} more (--json lists all)", markup=False)
    return EXIT_OK
