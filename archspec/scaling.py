"""Settings, variants and the scaling knobs: α (width), ρ (resolution), φ (compound).

Resolves a spec's ``defaults:``, ``round:``, ``compound:`` and ``scale:`` lines, the chosen variant
and the caller's overrides into one ``Config`` the lowering reads: multipliers, the rounding policy,
layer defaults and the global variables that expressions see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from archspec import ir
from archspec.errors import SpecError, did_you_mean
from archspec.expr import MAX_MAGNITUDE, ROUNDING_MODES, Env, Evaluator, Rounding, as_float, as_int, as_word
from archspec.fmt import float_text
from archspec.ops import ACTIVATIONS, NORMS, NUMBER, WHOLE, WORD, ArgDoc, OpSchema, bind, code_words

GREEK = {"α": "alpha", "ρ": "rho", "φ": "phi"}
# The knobs a variant or `--set` may set; expressions read each as a variable of the same name.
KNOB_DOCS = {
    "alpha": "α, the width multiplier; `1` unless set",
    "rho": "ρ, the resolution multiplier; `1` unless set",
    "phi": "φ, the compound coefficient; `0` unless set",
    "width": "the whole width multiplier in effect: width × α × (compound width)^φ",
    "depth": "the whole depth multiplier in effect: depth × (compound depth)^φ",
    "resolution": "the input height after `resolution=`, ρ and φ",
}
KNOBS = tuple(KNOB_DOCS)
@dataclass
class Config:
    """Everything the lowering needs besides the statements themselves."""

    rounding: Rounding
    norm: str = "bn"
    act: str = "relu"
    norm_eps: float = 1e-5
    norm_momentum: float = 0.1
    width_mult: float = 1.0
    depth_mult: float = 1.0
    input: tuple[int, int, int] = (3, 224, 224)
    variant: str | None = None
    knobs: dict[str, float] = field(default_factory=dict)
    globals: Env = field(default_factory=Env)

    def scale_width(self, c: int) -> int:
        """A literal width under the width multiplier and the rounding policy."""
        if self.width_mult == 1.0:
            return c
        return self.rounding.divisible(c * self.width_mult)

    def scale_depth(self, n: int) -> int:
        if self.depth_mult == 1.0:
            return n
        return self.rounding.repeats(n * self.depth_mult)


_DEFAULT_ROUNDING = Rounding()

SETTING_SCHEMAS = {
    "defaults": OpSchema(
        keys=("norm", "act", "norm_eps", "norm_momentum"),
        # `bn_eps` / `bn_momentum` are the names from before norms were a table; they keep working.
        aliases={"eps": "norm_eps", "momentum": "norm_momentum", "bn_eps": "norm_eps", "bn_momentum": "norm_momentum"},
        doc="defaults: what op statements leave unsaid",
        info={
            "norm": ArgDoc(WORD, f"`{Config.norm}`", code_words(NORMS), "the norm every `conv` (and a bare `norm`) gets"),
            "act": ArgDoc(WORD, f"`{Config.act}`", code_words(ACTIVATIONS), "every `conv`'s activation (and a bare `act`'s)"),
            "norm_eps": ArgDoc(NUMBER, float_text(Config.norm_eps), "0 to 1", "every norm's eps"),
            "norm_momentum": ArgDoc(NUMBER, float_text(Config.norm_momentum), "0 to 1",
                                    "every BatchNorm's momentum (PyTorch's convention)"),
        },
    ),
    "round": OpSchema(
        keys=("divisor", "min", "guard", "mode", "depth"),
        doc="round: the rounding policy of α-scaled widths and `divisible()`",
        info={
            "divisor": ArgDoc(WHOLE, str(_DEFAULT_ROUNDING.divisor), "≥ 1", "widths round to multiples of it"),
            "min": ArgDoc(WHOLE, "the divisor", "≥ 1", "the smallest width rounding may give"),
            "guard": ArgDoc(NUMBER, f"{_DEFAULT_ROUNDING.guard:g}", "0 to 1",
                            "add one divisor when rounding lost more than this fraction (0.9: never below 90%)"),
            "mode": ArgDoc(WORD, f"`{_DEFAULT_ROUNDING.mode}`", code_words(ROUNDING_MODES),
                           "to the nearest multiple (halves up), down, or up"),
            "depth": ArgDoc(WORD, f"`{_DEFAULT_ROUNDING.depth}`", code_words(ROUNDING_MODES),
                            "how depth-scaled repeat counts (`x`) round"),
        },
    ),
    "compound": OpSchema(
        keys=("depth", "width", "resolution"),
        doc="compound: the bases φ raises (EfficientNet's α, β, γ)",
        info={k: ArgDoc(NUMBER, "1", "≥ 0", f"{k} multiplier per unit of φ: {k} × base^φ")
              for k in ("depth", "width", "resolution")},
    ),
    "scale": OpSchema(
        keys=("alpha", "rho", "phi"), aliases=dict(GREEK),
        doc="scale: the knobs' values written in the spec (a variant and `--set` override them)",
        info={"alpha": ArgDoc(NUMBER, "1", "> 0", "α, the width multiplier"),
              "rho": ArgDoc(NUMBER, "1", "> 0", "ρ, the resolution multiplier"),
              "phi": ArgDoc(NUMBER, "0", "0 to 20", "φ, the compound coefficient")},
    ),
}


def _setting(spec: ir.Spec, name: str, ev: Evaluator, env: Env) -> dict[str, tuple[Any, ir.Span | None]]:
    for s in spec.settings:
        if s.name == name:
            return bind(f"{name}:", SETTING_SCHEMAS[name], s.args, lambda e: ev.eval(e, env), s.span)
    return {}


def _override_key(key: str) -> str:
    return GREEK.get(key, key)


def resolve(spec: ir.Spec, variant: str | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Build the lowering ``Config`` for a spec, a variant (default: the first) and overrides."""
    try:
        return _resolve(spec, variant, overrides)
    except SpecError as err:
        if err.span is None and err.file is None and overrides:
            err.file = "--set"  # only a value given from outside the spec has no place in its text
        raise


def _resolve(spec: ir.Spec, variant: str | None, overrides: dict[str, Any] | None) -> Config:
    env = Env()
    ev = Evaluator(Rounding())
    r = _setting(spec, "round", ev, env)
    mode = as_word(r["mode"][0], r["mode"][1], "rounding mode", ROUNDING_MODES) if "mode" in r else "round"
    depth_mode = as_word(r["depth"][0], r["depth"][1], "depth rounding", ROUNDING_MODES) if "depth" in r else "ceil"
    divisor = as_int(*r["divisor"], env, "divisor") if "divisor" in r else 1
    rounding = Rounding(
        divisor=divisor,
        min=as_int(*r["min"], env, "min") if "min" in r else None,
        guard=as_float(*r["guard"], env, "guard", 0.0, 1.0) if "guard" in r else 0.0,
        mode=mode,
        depth=depth_mode,
    )
    ev = Evaluator(rounding)
    cfg = Config(rounding=rounding)

    comp = {k: as_float(v, s, env, f"compound {k}", 0.0) for k, (v, s) in _setting(spec, "compound", ev, env).items()}
    knobs: dict[str, float] = {"alpha": 1.0, "rho": 1.0, "phi": 0.0}
    for k, (v, s) in _setting(spec, "scale", ev, env).items():
        knobs[k] = as_float(v, s, env, k, 0.0)

    let_names = [let.name for let in spec.lets]
    values: dict[str, Any] = {}
    cfg.variant = _pick_variant(spec, variant)
    if cfg.variant is not None:
        vdef = next(v for v in spec.variants if v.name == cfg.variant)
        for a in vdef.args:
            key = _override_key(a.key or "")
            if key not in KNOBS and key not in let_names:
                raise SpecError(
                    f"variant key `{a.key}` is neither a knob nor a `let` of the spec",
                    a.span,
                    hint=did_you_mean(key, KNOBS + tuple(let_names))
                    or f"knobs: {', '.join(KNOBS)}; add `let {key} = ...` to make it a variable",
                )
            values[key] = (ev.eval(a.value, env), a.span)
    for key, value in (overrides or {}).items():
        key = _override_key(key)
        if key not in KNOBS and key not in let_names:
            raise SpecError(
                f"cannot set `{key}`: not a knob or a variable of `{spec.name}`",
                file="--set",
                hint=did_you_mean(key, KNOBS + tuple(let_names))
                or f"knobs: {', '.join(KNOBS)}" + (f"; variables: {', '.join(let_names)}" if let_names else ""),
            )
        if isinstance(value, float) and not (math.isfinite(value) and abs(value) <= MAX_MAGNITUDE):
            raise SpecError(f"cannot set `{key}` to {value:g}", file="--set",
                            hint=f"give a finite number below {MAX_MAGNITUDE:.0e}")
        values[key] = (value, None)

    for k in ("alpha", "rho", "phi"):
        if k in values:
            knobs[k] = as_float(*values[k], env, k, 0.0)
    if knobs["alpha"] <= 0 or knobs["rho"] <= 0:
        raise SpecError("alpha and rho must be positive", file="--set")
    if knobs["phi"] > 20:
        raise SpecError(f"phi={knobs['phi']:g} is beyond any sensible compound scaling (at most 20)", file="--set")
    width = as_float(*values["width"], env, "width", 0.0) if "width" in values else 1.0
    depth = as_float(*values["depth"], env, "depth", 0.0) if "depth" in values else 1.0
    phi = knobs["phi"]
    cfg.width_mult = width * knobs["alpha"] * comp.get("width", 1.0) ** phi
    cfg.depth_mult = depth * comp.get("depth", 1.0) ** phi
    c, h, w = spec.input
    if "resolution" in values:
        res = as_int(*values["resolution"], env, "resolution")
        h, w = res, round(w * res / h)
    rmult = knobs["rho"] * comp.get("resolution", 1.0) ** phi
    if rmult != 1.0:
        h, w = max(1, int(round(h * rmult))), max(1, int(round(w * rmult)))
    cfg.input = (c, h, w)
    cfg.knobs = {**knobs, "width": cfg.width_mult, "depth": cfg.depth_mult, "resolution": h}

    genv = Env({**cfg.knobs, **{GREEK_INV[k]: v for k, v in knobs.items()}})
    for let in spec.lets:
        if let.name in genv.values:
            raise SpecError(f"`{let.name}` is already defined", let.span)
        genv.values[let.name] = values[let.name][0] if let.name in values else ev.eval(let.value, genv)
    cfg.globals = genv
    # Defaults are read last, so a variant can change them through a `let`
    # (EfficientNet B5–B7 use BatchNorm eps=0.001 where B0–B4 keep 1e-5).
    d = _setting(spec, "defaults", ev, genv)
    if "norm" in d:
        cfg.norm = as_word(*d["norm"], "norm", NORMS)
    if "act" in d:
        cfg.act = as_word(*d["act"], "activation", ACTIVATIONS)
    if "norm_eps" in d:
        cfg.norm_eps = as_float(*d["norm_eps"], genv, "norm_eps", 0.0, 1.0)
    if "norm_momentum" in d:
        cfg.norm_momentum = as_float(*d["norm_momentum"], genv, "norm_momentum", 0.0, 1.0)
    return cfg


GREEK_INV = {v: k for k, v in GREEK.items()}


def _pick_variant(spec: ir.Spec, variant: str | None) -> str | None:
    names = [v.name for v in spec.variants]
    if variant is None:
        return names[0] if names else None
    if variant not in names:
        if not names:
            raise SpecError(f"`{spec.name}` has no variants, so `{variant}` cannot be chosen", spec.name_span, file=spec.file)
        raise SpecError(
            f"`{spec.name}` has no variant `{variant}`",
            spec.variants[0].span,
            hint=did_you_mean(variant, names) or f"variants: {', '.join(names)}",
        )
    return variant
