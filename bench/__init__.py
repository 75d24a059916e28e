"""Benchmarks: speed and memory figures, measured side by side, written to docs/benchmarks.md.

    .venv/bin/python -m bench

Modules: ``startup`` (analysis against the fvcore route, command starts, in-process loads),
``scaling`` (generated specs of 10 to 10,000 blocks), ``build`` (spec → nn.Module), ``runtime``
(the compiled module against torchvision's, CPU and GPU), ``measure`` and ``page`` (shared parts).
"""
