"""The Scale controls and tab: α, ρ, φ sliders and the variant picker re-analyse; sweeps are drawn."""

from __future__ import annotations

import archspec
from tests.app.conftest import exact, open_app, set_spec, spec_text, switch


def test_alpha_slider_cuts_macs(app) -> None:
    before = exact(app, "MACs")
    app.slider(key="knob_alpha").set_value(0.5).run()
    after = exact(app, "MACs")
    assert after == archspec.load("resnet50", overrides={"alpha": 0.5}).macs
    assert after < before / 3  # widths halve: MACs fall by about four
    app.button(key="reset_knobs").click().run()
    assert app.slider(key="knob_alpha").value == 1.0
    assert exact(app, "MACs") == before


def test_rho_slider_scales_the_input(app) -> None:
    app.slider(key="knob_rho").set_value(0.5).run()
    assert next(m.value for m in app.metric if m.label == "Input") == "3×112×112"
    assert exact(app, "MACs") == archspec.load("resnet50", overrides={"rho": 0.5}).macs


def test_phi_and_variant_on_a_family() -> None:
    at = open_app("Scale", model="efficientnet_b0")
    assert len(at.get("vega_lite_chart")) == 3  # α, ρ and φ sweeps
    b0 = exact(at, "MACs")
    at.slider(key="knob_phi").set_value(1.0).run()
    assert exact(at, "MACs") == archspec.load("efficientnet_b0", overrides={"phi": 1.0}).macs > b0
    at.selectbox(key="variant_pick").select("b2").run()
    # The variant changes; the moved knob stays moved.
    assert exact(at, "MACs") == archspec.load("efficientnet_b2", overrides={"phi": 1.0}).macs
    variants = at.dataframe[0].value
    assert list(variants["variant"]) == [f"b{i}" for i in range(8)]


def test_phi_does_nothing_without_compound(app) -> None:
    switch(app, "Scale")
    assert app.slider(key="knob_phi").proto.disabled
    assert len(app.get("vega_lite_chart")) == 2
    assert any("no `compound:` line" in i.value for i in app.info)


def test_sliders_follow_the_specs_own_scale_line(app) -> None:
    text = spec_text(app)
    set_spec(app, text.replace("input 3x224x224", "input 3x224x224\nscale: alpha=0.5"))
    assert app.slider(key="knob_alpha").value == 0.5
    assert exact(app, "MACs") == archspec.load("resnet50", overrides={"alpha": 0.5}).macs
