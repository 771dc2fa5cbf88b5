r"""Substitution in the optimiser: processes running part of their activity on alternative inputs.

For every row :math:`a` of the network's ``alternatives`` table whose named recourse the study
allows ("substitution" of a material, "chemistry_switching" of a cell chemistry; process :math:`p`, input
:math:`c` with coefficient :math:`in_{pc}`, alternative :math:`c'` with coefficient
:math:`\alpha_a`, largest share :math:`\sigma_a`, ramp :math:`R_a` months, extra cost
:math:`v_a`), the variable ``substitute[s,t,a]`` is the activity of :math:`p` that runs on
:math:`c'` instead of :math:`c`:

* in the balance of :math:`p`'s hub of :math:`c`: :math:`+ in_{pc}\,substitute` (that input is
  not used), and of its hub of :math:`c'`: :math:`- \alpha_a\,substitute`;
* ``substitution_share[s,t,a]``: :math:`substitute_{sta} \le \sigma_{at}\,activity_{stp}`, with
  :math:`\sigma_{at} = \sigma_a \min(1, (t + 1)\,m / R_a)` (:math:`m` months a period): the
  share rises over the ramp from the start of the horizon, as in the simulator it rises from the
  first shortage;
* ``substitution_whole[s,t,i]``, for an input with several alternatives (LFP cells for NMC or
  sodium-ion ones): their ``substitute`` sum to at most the activity;
* cost :math:`w_{st} v_a\,substitute` (label "substitution").

Policies that measure a region's consumption (origin caps, domestic minimums) count what the
plants use after substitution (:func:`use_terms`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.network.model import Network, allowed_recourses
from valuechain.network.validate import hub_id
from valuechain.opt._lp import Block, LinearProgram

if TYPE_CHECKING:
    from valuechain.opt.formulation import Context
    from valuechain.opt.study import Study

__all__ = ["add_substitution", "use_terms"]


def _allowed(network: Network, study: Study) -> tuple[pd.DataFrame, np.ndarray]:
    """The alternatives rows the study allows, and each row's input coefficient of its commodity."""
    allowed = allowed_recourses(substitution=study.substitution, chemistry_switching=study.chemistry_switching)
    alt = network.alternatives
    alt = alt[alt["recourse"].isin(list(allowed)).to_numpy()]
    inputs = network.recipes[network.recipes["kind"] == "input"].groupby(["process", "commodity"])["coefficient"].sum()
    own = np.asarray([inputs[(p, c)] for p, c in zip(alt["process"], alt["commodity"], strict=True)], dtype=float)
    return alt, own


def use_terms(
    ctx: Context, com: np.ndarray, within: np.ndarray
) -> list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]]:
    """What substitution changes in the use of ``com`` by processes in ``within`` (terms as ``Context.use_terms``).

    A process running part of its activity on an alternative uses ``in_pc`` less of its own input
    and ``alpha`` more of the alternative per unit substituted, so a share of a region's
    consumption counts what its plants really use.
    """
    from valuechain.opt.formulation import _slot

    if "substitute" not in ctx.blocks:
        return []
    blk = ctx.blocks["substitute"]
    alt, own = _allowed(ctx.network, ctx.study)
    inside = within[ctx.proc_region[ctx.network.processes.index.get_indexer(pd.Index(alt["process"]))]]
    out = []
    for col, coef in (("commodity", -own), ("alternative", alt["coefficient"].to_numpy(float))):
        c = ctx.commodities.get_indexer(pd.Index(alt[col]))
        keep = np.flatnonzero(inside & np.isin(c, com))
        out.append((blk, keep, _slot(com, c[keep]), coef[keep]))
    return out


def add_substitution(
    lp: LinearProgram,
    network: Network,
    study: Study,
    axes: tuple[pd.Index, pd.Index],
    months: int,
    act: Block,
    bal: Block,
    hub_pos: Mapping[str, int],
    weight: np.ndarray,
    part: Callable[[str, Block, np.ndarray], None],
) -> Block | None:
    """Add the ``substitute`` variables and their rows (see the module docstring).

    Only the rows of the recourses ``study`` allows (``substitution``, ``chemistry_switching``)
    count; ``None`` if the network has no alternatives of those.
    """
    alt, own = _allowed(network, study)
    if not len(alt):
        return None
    sc, per = axes
    n_s, n_t = len(sc), len(per)
    procs = network.processes
    region = procs["region"]
    pids, coms, others = (alt[c].tolist() for c in ("process", "commodity", "alternative"))
    p_pos = np.asarray([procs.index.get_loc(p) for p in pids], dtype=np.int64)
    h_own = np.asarray([hub_pos[hub_id(region[p], c)] for p, c in zip(pids, coms, strict=True)], dtype=np.int64)
    h_alt = np.asarray([hub_pos[hub_id(region[p], c)] for p, c in zip(pids, others, strict=True)], dtype=np.int64)
    coef = alt["coefficient"].to_numpy(float)
    share = alt["share_max"].to_numpy(float)
    ramp = alt["ramp_months"].to_numpy(float)
    vcost = alt["variable_cost"].to_numpy(float)
    # a row's label is process:input, and process:input>alternative where the input has several
    pairs: list[tuple[str, str]] = list(zip(pids, coms, strict=True))
    many = {k for k, n in Counter(pairs).items() if n > 1}
    aidx = pd.Index(
        [f"{p}:{c}>{o}" if (p, c) in many else f"{p}:{c}" for p, c, o in zip(pids, coms, others, strict=True)],
        name="alternative",
        dtype=object,
    )
    sub = lp.add_vars("substitute", (sc, per, aidx), cost=weight[:, :, None] * vcost[None, None, :])
    part("substitution", sub, weight[:, :, None] * vcost[None, None, :])
    t = np.arange(n_t)[:, None]
    ramp_done = np.where(ramp[None, :] > 0, np.minimum(1.0, (t + 1) * months / np.where(ramp > 0, ramp, 1.0)), 1.0)
    s_ax, t_ax, a_ax = np.arange(n_s)[:, None, None], np.arange(n_t)[None, :, None], np.arange(len(aidx))[None, None, :]
    rows = lp.add_rows("substitution_share", (sc, per, aidx), hi=0.0)
    lp.add_terms(rows.flat(s_ax, t_ax, a_ax), sub.flat(s_ax, t_ax, a_ax), 1.0)
    lim = -(share[None, :] * ramp_done)[None, :, :] * np.ones((n_s, 1, 1))
    lp.add_terms(rows.flat(s_ax, t_ax, a_ax), act.flat(s_ax, t_ax, p_pos[None, None, :]), lim)
    lp.add_terms(bal.flat(s_ax, t_ax, h_own[None, None, :]), sub.flat(s_ax, t_ax, a_ax), own[None, None, :])
    lp.add_terms(bal.flat(s_ax, t_ax, h_alt[None, None, :]), sub.flat(s_ax, t_ax, a_ax), -coef[None, None, :])
    if many:
        # an input's alternatives together replace at most all of it: sum of substitute <= activity
        groups = sorted(many)
        gidx = pd.Index([f"{p}:{c}" for p, c in groups], name="input", dtype=object)
        g_of = {k: i for i, k in enumerate(groups)}
        member = np.asarray([i for i, k in enumerate(pairs) if k in g_of], dtype=np.int64)
        g_pos = np.asarray([g_of[pairs[i]] for i in member], dtype=np.int64)
        g_proc = np.asarray([procs.index.get_loc(p) for p, _ in groups], dtype=np.int64)
        whole = lp.add_rows("substitution_whole", (sc, per, gidx), hi=0.0)
        s2, t2 = np.arange(n_s)[:, None, None], np.arange(n_t)[None, :, None]
        lp.add_terms(whole.flat(s2, t2, g_pos[None, None, :]), sub.flat(s2, t2, member[None, None, :]), 1.0)
        lp.add_terms(whole.flat(s2, t2, np.arange(len(groups))[None, None, :]),
                     act.flat(s2, t2, g_proc[None, None, :]), -1.0)  # fmt: skip
    return sub
