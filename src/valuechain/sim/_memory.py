"""How much memory a simulation needs, checked before anything large is allocated.

A horizon of a hundred million months or a trillion samples does not fail with a ``MemoryError``
(or grow until the machine swaps): :func:`check_memory` compares a lower bound on what the run
will hold with the memory the machine has available and refuses in one line, with both figures.
"""

from __future__ import annotations

import os

from valuechain.errors import ScenarioError
from valuechain.network.model import Network

__all__ = ["available_memory", "check_memory", "memory_needed"]

#: Bytes the summaries keep per scenario: lost value, lost cells, months short, worst share, the
#: probability (8 bytes each), and the scenario's label (a pointer and a small Python object).
PER_SCENARIO = 5 * 8 + 8 + 48


def memory_needed(network: Network, *, scenarios: int, periods: int, keep: str = "summary", dense: bool = True) -> int:
    """A lower bound, in bytes, on the memory a simulation of ``network`` holds at once.

    Counted: the month index and the expected shortfall and demand per month and demand row;
    the per-scenario summaries; dense shock multipliers (``dense``: one per scenario, month and
    process, route or demand row); and with ``keep='full'`` the tensors of the result (supply,
    stock, demand, served, activity, flow, lost value per scenario and month). The kernel's own
    work space and Python's overheads come on top.

    Parameters
    ----------
    network
        The network.
    scenarios
        Number of scenarios.
    periods
        Number of months.
    keep
        'full' or 'summary', as in :func:`valuechain.simulate`.
    dense
        Whether the shocks are held as dense arrays (named scenarios, outages) rather than sparse
        samples.

    Returns
    -------
    int
    """
    n_p, n_r, n_d, n_h = (len(network.tables[t]) for t in ("processes", "routes", "demand", "hubs"))
    per_month = 8 * (2 * n_d + 1)
    per_cell = 8 * (n_p + n_r + n_d) if dense else 0
    if keep == "full":
        per_cell += 8 * (5 * n_h + 2 * n_d + 2 * n_p + n_r + 1)
    return periods * per_month + scenarios * PER_SCENARIO + scenarios * periods * per_cell


def _machine_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def available_memory() -> int | None:
    """Memory a process can have now, in bytes, or None if unknown.

    The machine's available memory (``MemAvailable`` in ``/proc/meminfo``, else the free pages),
    lowered to the process's address-space limit (``ulimit -v``) when one is set.
    """
    have = _machine_available()
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY and soft > 0:
            have = soft if have is None else min(have, soft)
    except (ImportError, OSError, ValueError):
        pass
    return have


def _size(n: int) -> str:
    if n >= 2**27:
        return f"{n / 2**30:,.1f} GiB"
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n:,} bytes"


def check_memory(
    network: Network,
    *,
    scenarios: int,
    periods: int,
    keep: str = "summary",
    dense: bool = True,
    what: str = "this simulation",
    available: int | None = None,
) -> int:
    """Refuse a simulation whose lower bound of memory exceeds what the machine has available.

    Parameters
    ----------
    network, scenarios, periods, keep, dense
        As in :func:`memory_needed`.
    what
        How to name the run in the message (e.g. the command-line options that sized it).
    available
        Bytes available (default: :func:`available_memory`; no check when unknown).

    Returns
    -------
    int
        The bytes needed (the lower bound).

    Raises
    ------
    ScenarioError
        If the run needs more memory than is available; the message gives both figures.
    """
    need = memory_needed(network, scenarios=scenarios, periods=periods, keep=keep, dense=dense)
    have = available_memory() if available is None else available
    if have is not None and need > have:
        raise ScenarioError(
            f"{what} would need at least {_size(need)} of memory ({scenarios:,} scenario(s) x {periods:,} months on "
            f"'{network.name}'), and {_size(have)} is available; expected fewer months or scenarios"
        )
    return need
