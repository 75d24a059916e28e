"""Names the torch-based backends share: the submodule path of a layer and the names of classes.

The torch backend registers each layer at ``target(path)`` and the Python source backend writes the
same attributes, so their ``state_dict`` keys agree. Classes are named from the spec: a block's class
from the block's name (``bottleneck`` → ``Bottleneck``, ``inverted_residual`` → ``InvertedResidual``,
``mbconv`` → ``MBConv``), the network's from the network's name (``resnet50`` → ``ResNet50``,
``mobilenet_v2`` → ``MobileNetV2``): each ``_``-separated word capitalised, the names of known
architectures and blocks spelled as their papers spell them (``SPELLINGS``), digits kept.
"""

from __future__ import annotations

import builtins
import keyword
import re
from functools import cache

# Words spelled as their papers (and torchvision) spell them, where a capital first letter is not enough.
SPELLINGS = {
    "alexnet": "AlexNet", "convnext": "ConvNeXt", "densenet": "DenseNet", "dwsep": "DWSep",
    "efficientnet": "EfficientNet", "googlenet": "GoogLeNet", "lenet": "LeNet", "mbconv": "MBConv", "mbv3": "MBv3",
    "mnasnet": "MnasNet", "mobilenet": "MobileNet", "regnet": "RegNet", "resnet": "ResNet", "resnext": "ResNeXt",
    "se": "SE", "shufflenet": "ShuffleNet", "squeezenet": "SqueezeNet", "vgg": "VGG",
}


@cache
def reserved() -> frozenset[str]:
    # Attributes of a module (a GraphModule's, the widest): a submodule of that name would clash (a stage
    # named `forward`); and Python's keywords, which generated code would write as attributes (`self.class`).
    from torch import fx, nn

    g = fx.Graph()
    g.output(g.placeholder("x"))
    return frozenset(dir(fx.GraphModule(nn.Module(), g))) | frozenset(keyword.kwlist)


def target(path: str) -> str:
    """The submodule path of a node: its name, with a part that clashes with a module attribute
    (`stage forward:`, `stage eval:`) given a trailing underscore."""
    reserved_names = reserved()
    return ".".join(p + "_" if p in reserved_names else p for p in path.split("."))


def _word(part: str) -> str:
    """One ``_``-separated word: ``resnet50`` → ``ResNet50``, ``v2`` → ``V2``."""
    if part.lower() in SPELLINGS:
        return SPELLINGS[part.lower()]
    out = []
    for run in re.findall(r"[A-Za-z]+|[^A-Za-z]+", part):
        out.append(SPELLINGS.get(run.lower(), run[:1].upper() + run[1:]) if run[:1].isalpha() else run)
    return "".join(out)


def class_name(name: str) -> str:
    """A spec name as a class name: ``resnet50`` → ``ResNet50``, ``mobilenet_v3_large`` → ``MobileNetV3Large``,
    ``inverted_residual`` → ``InvertedResidual``; ``squeezenet1_0`` → ``SqueezeNet1_0`` (an underscore kept
    between two numbers). A Python keyword or builtin it would spell (``network none``) gets an underscore."""
    cls = ""
    for part in re.split(r"[-_\s]+", name):
        if not part:
            continue
        word = _word(part)
        cls += ("_" if cls[-1:].isdigit() and word[:1].isdigit() else "") + word
    if not cls or not cls.isidentifier():
        cls = "Net" + "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in cls)
    return cls + "_" if keyword.iskeyword(cls) or cls in dir(builtins) else cls
