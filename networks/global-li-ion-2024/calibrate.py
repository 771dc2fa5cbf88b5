"""Print the network's values next to the published figures in calibration_targets.csv.

Run from the repository root::

    python networks/global-li-ion-2024/calibrate.py

This is ``valuechain networks calibration global-li-ion-2024`` (which also exits 1 if a target
fails); ``tests/battery/test_calibration.py`` asserts the same targets and, separately, figures the
network was not built from.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from valuechain.cli import run  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(run(["networks", "calibration", str(HERE)]))
