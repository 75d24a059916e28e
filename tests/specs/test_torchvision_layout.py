"""Every torchvision CNN in the reference: archspec's module has torchvision's parameters and buffers, in
torchvision's order and shapes (so its weights import by position), and the same norm settings.
Built on the meta device: no memory, no initialisation, seconds for all of them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REFERENCE, zoo_params
from tests.specs._torchvision import assert_same_state_layout

NAMES = sorted(json.loads(REFERENCE.read_text())["models"])


@pytest.mark.parametrize("name", zoo_params(NAMES))
def test_state_dict_layout_equals_torchvisions(name: str) -> None:
    assert_same_state_layout(name)
