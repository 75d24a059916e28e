"""An inference pass: fold BatchNorm into the layer before it, drop identities.

The compiled module tree is first traced into one flat ``torch.fx`` graph of its layers (``trace``); the
pass rewrites that graph, so the result is an ``fx.GraphModule`` named as the network's class.

Eval mode only: a folded BatchNorm applies its running statistics, so the result equals the
original module in eval mode (to float rounding) with fewer modules and one pass less over each
activation. A BatchNorm is folded when its input is a conv (or, for BatchNorm1d, a linear layer)
whose output nothing else reads; dropout and stochastic depth, identities at inference, are removed.
Then parallel conv branches that are added (RepVGG's 3×3, 1×1 and identity BN) fold into one conv
(``archspec.backends.reparam``).
"""

from __future__ import annotations

import copy

from torch import fx, nn
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

from archspec.backends.layers import StochasticDepth
from archspec.backends.reparam import reparameterize
from archspec.backends.tree import Generated

_IDENTITIES = (nn.Dropout, nn.Identity, StochasticDepth)


def _set_module(root: nn.Module, path: str, module: nn.Module) -> None:
    parent, _, name = path.rpartition(".")
    setattr(root.get_submodule(parent) if parent else root, name, module)


def _folded(layer: nn.Module, bn: nn.Module) -> nn.Module | None:
    if isinstance(layer, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
        return fuse_conv_bn_eval(layer, bn)
    if isinstance(layer, nn.Linear) and isinstance(bn, nn.BatchNorm1d):
        return fuse_linear_bn_eval(layer, bn)
    return None


class _Tracer(fx.Tracer):
    """Traces through the tree's containers (its generated classes and Sequentials); every layer is a leaf."""

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return not isinstance(m, (Generated, nn.Sequential))


def trace(module: nn.Module) -> fx.GraphModule:
    """The compiled module as one flat fx graph calling its layers (at their paths, so the same state_dict)."""
    if isinstance(module, fx.GraphModule):
        return module
    graph = _Tracer().trace(module)
    for node in graph.nodes:  # the forward's annotations would be written as names TorchScript cannot resolve
        if node.op in ("placeholder", "output"):
            node.type = None
    return fx.GraphModule(module, graph, class_name=type(module).__name__)


def fuse(module: nn.Module, inplace: bool = False) -> fx.GraphModule:
    """The module for inference: BatchNorms folded, identities dropped, added conv branches merged, in eval mode."""
    m = trace(module if inplace else copy.deepcopy(module))
    m.eval()
    modules = dict(m.named_modules())
    for node in list(m.graph.nodes):
        if node.op != "call_module":
            continue
        mod = modules[node.target]
        src = node.args[0]
        if isinstance(mod, _IDENTITIES):
            node.replace_all_uses_with(src)
            m.graph.erase_node(node)
        elif isinstance(mod, nn.modules.batchnorm._BatchNorm) and mod.track_running_stats:
            if not (isinstance(src, fx.Node) and src.op == "call_module" and len(src.users) == 1):
                continue
            fused = _folded(modules[src.target], mod)
            if fused is None:
                continue
            _set_module(m, src.target, fused)
            modules[src.target] = fused
            node.replace_all_uses_with(src)
            m.graph.erase_node(node)
    m.graph.eliminate_dead_code()
    if reparameterize(m, modules):
        m.graph.eliminate_dead_code()
    m.delete_all_unused_submodules()
    m.recompile()
    return m
