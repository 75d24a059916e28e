"""archspec's design explorer: edit a CNN spec, see it, scale it, compare it, export it.

A Streamlit app (the ``archspec[app]`` extra). ``archspec explore [SPEC] [--port N]`` serves it;
from a source checkout ``streamlit run app/explorer.py`` does too. Importing this package imports
neither Streamlit nor torch: the tabs' modules import Streamlit, and the app never imports torch.
"""

from __future__ import annotations

from pathlib import Path

SCRIPT = Path(__file__).with_name("app.py")  # the file `streamlit run` executes
# `archspec explore SPEC` hands SPEC to the server in this variable: a zoo name, a path, or
# path.arch:variant, which the first run of each session opens.
START_ENV = "ARCHSPEC_EXPLORE_SPEC"
# When set, each script run appends one JSON line to this file: {"t": end time, "seconds": run
# time, "page": the open tab, "tag": the page's ?tag=}. bench/load.py reads it to time the server side of a load test.
TIMINGS_ENV = "ARCHSPEC_EXPLORER_TIMINGS"

__all__ = ["SCRIPT", "START_ENV", "TIMINGS_ENV"]
