"""How long one edit of EfficientNet-B7 takes the explorer to re-run (Streamlit's AppTest, no browser).

    .venv/bin/python -m bench.explorer_edit [--repeat N]

The figure the test suite used to assert (``min < 1 s``) lives here: a timing is a measurement to
report, not a test that a busy machine can fail.
"""

from __future__ import annotations

import argparse
import statistics
import time

from streamlit.testing.v1 import AppTest

from archspec.explorer import SCRIPT


def edit_timings(repeat: int = 5, model: str = "efficientnet_b7") -> list[float]:
    """Seconds per re-run after an edit of the output width (each a text not seen before)."""
    at = AppTest.from_file(str(SCRIPT), default_timeout=120)
    at.query_params["model"] = model
    at.run()
    text = at.session_state["spec"]  # what the editor holds; AppTest sets it as the editor's typing does
    timings = []
    for i in range(repeat):
        at.session_state["spec"] = text.replace("fc 1000", f"fc {1001 + i}")
        t0 = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - t0)
        if at.exception or at.error:
            raise RuntimeError(f"the edit failed: {at.exception or at.error}")
    return timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--model", default="efficientnet_b7")
    args = ap.parse_args()
    t = edit_timings(args.repeat, args.model)
    print(f"{args.model}: edit → re-run, {len(t)} runs: min {min(t) * 1000:.0f} ms, "
          f"median {statistics.median(t) * 1000:.0f} ms, max {max(t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
