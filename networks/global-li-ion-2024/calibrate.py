"""Print the network's computed shares and totals next to the sourced targets.

Run from the repository root::

    python networks/global-li-ion-2024/calibrate.py

The same comparison is asserted by ``tests/battery/test_calibration.py``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

import valuechain as vc  # noqa: E402
from valuechain.analysis import stage_shares  # noqa: E402


def computed(net: vc.Network, t: dict[str, str]) -> float:
    """Return the network's value for one target row."""
    coms = t["commodities"].split(";")
    if t["kind"] == "total":
        if t["measure"] == "demand":
            return float(net.demand.loc[net.demand["commodity"].isin(coms), "quantity"].sum())
        return float(sum(stage_shares(net, c, measure=t["measure"]).attrs["total"] for c in coms))
    members = net.members(t["region"])
    made = world = 0.0
    for c in coms:
        s = stage_shares(net, c, measure=t["measure"], made_from=t["made_from"] or None)
        made += s.attrs["total"] * float(s.reindex(members).fillna(0.0).sum())
        world += s.attrs["total"]
    return made / world


def main() -> None:
    """Print one line per target."""
    net = vc.load_network(HERE)
    with open(HERE / "calibration_targets.csv", encoding="utf-8", newline="") as fh:
        targets = list(csv.DictReader(fh))
    print(f"{'target':<22} {'computed':>10} {'target':>10} {'diff':>9}  source")
    for t in targets:
        v, target = computed(net, t), float(t["target"])
        if t["kind"] == "share":
            diff = f"{100 * (v - target):+.1f} pp"
            print(f"{t['id']:<22} {100 * v:>9.1f}% {100 * target:>9.1f}% {diff:>9}  {t['source']}")
        else:
            diff = f"{100 * (v / target - 1):+.1f} %"
            print(f"{t['id']:<22} {v:>10.0f} {target:>10.0f} {diff:>9}  {t['source']}")


if __name__ == "__main__":
    main()
