"""Every CNN classification model of torchvision 0.29 in the zoo computes what torchvision's does.

torchvision's model with random weights (BatchNorm weights and running statistics random too, so a
wrong eps or a misplaced norm shows) is mapped onto archspec's by position, as `archspec weights
import NAME --from torchvision:NAME` does, and both run the same batch in eval mode. At 64 px (96 for
Inception v3, whose stem needs 75): every one of them pools adaptively before its classifier, so
every layer still runs; the counts are checked at the reference sizes in test_zoo.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import REFERENCE, zoo_params
from tests.specs._torchvision import assert_same_logits

NAMES = list(json.loads(REFERENCE.read_text())["models"])
SIZE = {"inception_v3": 96}


def test_every_reference_model_is_compared() -> None:
    assert len(NAMES) == 68 and len(set(NAMES)) == 68


@pytest.mark.parametrize("name", zoo_params(NAMES))
def test_logits_equal_torchvision(name: str) -> None:
    assert_same_logits(name, size=SIZE.get(name, 64), batch=2)
