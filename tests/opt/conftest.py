"""Small networks built in code for the optimisation tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from valuechain import Network, NetworkBuilder

DATA = Path(__file__).resolve().parents[1] / "data"


def read_cap(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Capacities, fixed costs, demands and whole-demand costs (m x n) of an OR-Library cap file."""
    tokens = path.read_text().split()
    pos = 0

    def nxt() -> float:
        nonlocal pos
        pos += 1
        return float(tokens[pos - 1])

    m, n = int(nxt()), int(nxt())
    cap, fixed = np.zeros(m), np.zeros(m)
    for i in range(m):
        cap[i], fixed[i] = nxt(), nxt()
    demand, cost = np.zeros(n), np.zeros((m, n))
    for j in range(n):
        demand[j] = nxt()
        for i in range(m):
            cost[i, j] = nxt()
    return cap, fixed, demand, cost


def cap_network(path: Path, lifetime: float = 1.0) -> Network:
    """The warehouse location instance as a network: warehouses are expansion options."""
    cap, fixed, demand, cost = read_cap(path)
    b = NetworkBuilder(path.stem, year=2000, units={"currency": "cost units"})
    b.add_commodity("goods", unit="unit", stage="product")
    for i in range(len(cap)):
        b.add_region(f"w{i + 1}", groups="warehouses")
        b.add_expansion(
            f"open-w{i + 1}", region=f"w{i + 1}", outputs={"goods": 1.0}, capex=0.0, fixed_cost=fixed[i],
            min_size=cap[i], max_size=cap[i], lifetime=lifetime, lead_time=0,
        )  # fmt: skip
    for j in range(len(demand)):
        b.add_region(f"c{j + 1}", groups="customers")
        b.add_demand(f"c{j + 1}", "goods", quantity=demand[j], value_of_lost_demand=1e6)
        for i in range(len(cap)):
            unit = cost[i, j] / demand[j] if demand[j] > 0 else 0.0
            b.add_route(f"w{i + 1}-c{j + 1}", "goods", f"w{i + 1}", f"c{j + 1}", cost=unit)
    return b.build()


def two_supplier_network(cost_y: float = 1.0, cost_z: float = 3.0, demand: float = 100.0) -> Network:
    """Region X buys one good from Y (cheap) or Z (dear); both produce at no cost."""
    b = NetworkBuilder("two-suppliers", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    for r in ("X", "Y", "Z"):
        b.add_region(r, groups="EU" if r == "X" else None)
    b.add_process("y-plant", region="Y", outputs={"c": 1.0})
    b.add_process("z-plant", region="Z", outputs={"c": 1.0})
    b.add_process("x-plant", region="X", outputs={"c": 1.0}, variable_cost=5.0)
    b.add_route("y-x", "c", "Y", "X", cost=cost_y)
    b.add_route("z-x", "c", "Z", "X", cost=cost_z)
    b.add_demand("X", "c", quantity=demand, value_of_lost_demand=1000.0)
    return b.build()
