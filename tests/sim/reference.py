"""A plain-Python reference of the simulation semantics, written to be read, not to be fast.

It works from the network's tables with dictionaries keyed by labels, one scenario and one
period at a time, and shares only the node order and lag set (``plan_order``) with the engine.
The Numba kernel must agree with it.
"""

from __future__ import annotations

import math

import numpy as np

from valuechain.network.model import PERIODS
from valuechain.network.validate import hub_id
from valuechain.sim.compile import plan_order


def scaled(capacity: float, multiplier: float) -> float:
    """Capacity times multiplier, with an unlimited capacity staying unlimited unless shut (x 0)."""
    if math.isinf(capacity):
        return math.inf if multiplier > 0 else 0.0
    return capacity * multiplier


def route_limit(capacity: float, baseline: float, multiplier: float) -> float:
    """A route's limit: capacity scaled when m >= 1; at most m x its baseline flow when m < 1."""
    if multiplier >= 1.0:
        return scaled(capacity, multiplier)
    return min(capacity, multiplier * baseline)


def reference_simulate(
    net,
    shocks,
    mode="pro-rata",
    substitution=True,
    chemistry_switching=True,
    ramp_depth=0,
    spare_ramp=False,
    rush_from_stock=0.0,
):
    """Simulate every scenario of ``shocks``; return arrays labelled in the network's row order.

    Re-sourcing also refills stocks toward their order-up-to level and runs processes on the
    alternatives of their short inputs whose recourse is allowed (``substitution``,
    ``chemistry_switching``). A route multiplier above 1 (front-loading) ships extra from what
    its origin spares, kept at the destination above its level (``valuechain.sim.full``).
    ``spare_ramp``: a process's capacity above its plan comes online over its ``ramp_up``, from the
    first period it runs above its plan. ``rush_from_stock``: the share of its stock level a hub may
    ship for front-loaded orders, once what it holds above its level (and what it pulls) is shipped.

    Returns a dict: ``served`` (S, T, demand rows), ``activity`` (S, T, processes),
    ``flow`` (S, T, routes), ``stock`` and ``supply`` (S, T, hubs in ``net.hub_ids`` order).
    """
    depth = 10**6 if ramp_depth is None else ramp_depth  # (None: the whole chain; a pull ends where the chain does)
    f = shocks.period_months / PERIODS[net.period]
    order, lagged = plan_order(net)
    procs = net.processes
    base = {p: float(a) * f for p, a in net.baseline_activity.items()}
    cap = {p: float(c) * f for p, c in procs["capacity"].items()}
    region = procs["region"].to_dict()
    spare_ramp_of = {p: float(r) / f for p, r in procs["ramp_up"].items()}  # in simulation periods

    inputs = {p: {} for p in procs.index}
    outputs = {p: {} for p in procs.index}
    for p, com, kind, coef in zip(
        *(net.recipes[c] for c in ("process", "commodity", "kind", "coefficient")), strict=True
    ):
        if p in inputs and coef > 0:
            side = inputs if kind == "input" else outputs
            h = hub_id(region[p], com)
            side[p][h] = side[p].get(h, 0.0) + float(coef)

    routes = {}
    for rid, row in net.routes.iterrows():
        routes[rid] = {
            "from": hub_id(row["origin"], row["commodity"]),
            "to": hub_id(row["destination"], row["commodity"]),
            "base": float(row["baseline_flow"]) * f,
            "cap": float(row["capacity"]) * f,
            "lag": ("route", rid, "") in lagged,
        }
    dem = [
        (hub_id(r, c), float(q) * f)
        for r, c, q in zip(net.demand["region"], net.demand["commodity"], net.demand["quantity"], strict=True)
    ]

    hubs = list(net.hub_ids)
    initial = dict(zip(hubs, net.hubs["initial_stock"].astype(float), strict=True))
    # order-up-to level: days of cover of baseline use (inputs and demand, per day) or the initial stock
    use_per_day = dict.fromkeys(hubs, 0.0)
    for p in inputs:
        for h, coef in inputs[p].items():
            use_per_day[h] += coef * float(net.baseline_activity[p]) / (PERIODS[net.period] * 365.0 / 12)
    for r, c, q in zip(net.demand["region"], net.demand["commodity"], net.demand["quantity"], strict=True):
        use_per_day[hub_id(r, c)] += float(q) / (PERIODS[net.period] * 365.0 / 12)
    level = {}
    for h, days, c in zip(
        hubs, net.hubs["days_of_cover"].astype(float), net.hubs["stock_capacity"].astype(float), strict=True
    ):
        level[h] = min(initial[h] if math.isnan(days) else days * use_per_day[h], c)
    refill = dict(zip(hubs, net.hubs["refill_rate"].astype(float), strict=True))
    # alternatives: process -> {input hub: [(alternative hub, coefficient, share, ramp in periods), ...]}
    alts = {p: {} for p in procs.index}
    allowed = {"substitution": substitution, "chemistry_switching": chemistry_switching}
    for p, com, other, coef, share, ramp, recourse in zip(
        *(
            net.alternatives[c]
            for c in ("process", "commodity", "alternative", "coefficient", "share_max", "ramp_months", "recourse")
        ),
        strict=True,
    ):
        if allowed[recourse]:
            alts[p].setdefault(hub_id(region[p], com), []).append(
                (hub_id(region[p], other), float(coef), float(share), float(ramp) / shocks.period_months)
            )

    uses = {h: [] for h in hubs}
    for p in sorted(inputs):
        for h, coef in inputs[p].items():
            uses[h].append(("input", p, coef))
    for rid in sorted(routes):
        uses[routes[rid]["from"]].append(("route", rid, None))
    for i, (h, _) in enumerate(dem):
        uses[h].append(("demand", i, None))

    # where lagged edges deliver: their baseline delivery is in transit before the first period
    pipe0 = dict.fromkeys(hubs, 0.0)
    for p in outputs:
        for h, y in outputs[p].items():
            if ("output", p, h) in lagged:
                pipe0[h] += base[p] * y
    for r in routes.values():
        if r["lag"]:
            pipe0[r["to"]] += r["base"]

    pcol = {p: shocks.processes.get_loc(p) for p in procs.index}
    rcol = {r: shocks.routes.get_loc(r) for r in routes}
    n_s, n_t = shocks.n_scenarios, len(shocks.periods)
    out = {
        "served": np.zeros((n_s, n_t, len(dem))),
        "activity": np.zeros((n_s, n_t, len(procs))),
        "flow": np.zeros((n_s, n_t, len(routes))),
        "stock": np.zeros((n_s, n_t, len(hubs))),
        "supply": np.zeros((n_s, n_t, len(hubs))),
    }
    for s in range(n_s):
        stock = dict(initial)
        pipe = dict(pipe0)
        # a hub's level with the stock pulled forward into it (front-loading), and what lagged
        # routes pulled forward into it in the period before
        lvl = dict(level)
        xpipe = dict.fromkeys(hubs, 0.0)
        ramp_start = {}  # (process, input hub) -> first period the input was short
        above = {}  # process -> first period it ran above its plan (spare_ramp)
        for t in range(n_t):
            mp = {p: shocks.process_capacity[s, t, c] for p, c in pcol.items()}
            mr = {r: shocks.route_capacity[s, t, c] for r, c in rcol.items()}
            md = shocks.demand[s, t]
            plan = {p: min(base[p], scaled(cap[p], mp[p])) for p in procs.index}
            top = {p: scaled(cap[p], mp[p]) for p in procs.index}  # what a pull may run a process up to
            if spare_ramp:
                for p in procs.index:
                    k = spare_ramp_of[p]
                    online = 1.0 if k <= 0 else min(1.0, (t - above.get(p, t) + 1) / k)
                    top[p] = plan[p] + max(top[p] - plan[p], 0.0) * online

            def target(use, mr=mr, md=md, plan=plan):
                kind, x, coef = use
                if kind == "input":
                    return coef * plan[x]
                if kind == "route":
                    return min(routes[x]["base"], route_limit(routes[x]["cap"], routes[x]["base"], mr[x]))
                return dem[x][1] * md[x]

            def extra(rid, mr=mr, target=target):
                """What a route asks above its target while its multiplier is above 1."""
                m = mr[rid]
                if m <= 1.0:
                    return 0.0
                return max(0.0, min(routes[rid]["base"] * m, routes[rid]["cap"]) - target(("route", rid, None)))

            avail = {h: stock[h] + pipe[h] for h in hubs}
            pipe = dict.fromkeys(hubs, 0.0)
            left = dict.fromkeys(hubs, 0.0)
            done = set()
            act = dict.fromkeys(procs.index, 0.0)
            flow = dict.fromkeys(routes, 0.0)
            given = {}  # (process, hub) -> input allocated
            served = [0.0] * len(dem)
            ratio_of = {}

            def deliver(h, qty, lag, avail=avail, pipe=pipe, left=left, done=done):
                if lag:
                    pipe[h] += qty
                elif h in done:
                    left[h] += qty
                else:
                    avail[h] += qty

            def pull(
                h, need, depth=0, deep=False, mr=mr, top=top, left=left, flow=flow, act=act, deliver=deliver, lvl=lvl
            ):
                """Spare supply brought to hub h, up to need: over open routes, then from spare capacity.

                Only what a hub holds above its level is spare. ``depth`` > 0: what an origin or a
                producer's input hub lacks is first pulled to it, with ``depth - 1``, and what
                comes back is spare whole (a hub below its level stays as far below it). ``deep``
                (front-loading): a producer's input hubs pull for it, one step only. A producer
                pulls for each input (by hub label) no more than the inputs before it hold.
                Callers add what it returns once it has returned (``more = pull(...)``): on its
                way a pull may deliver a co-product to the same hub, as in the kernel.
                """

                def spare_after(g, more):
                    return max(left[g] - more - lvl[g], 0.0) + more

                got = 0.0
                for rid in sorted(r for r in routes if routes[r]["to"] == h and not routes[r]["lag"]):
                    o = routes[rid]["from"]
                    room = min(need - got, route_limit(routes[rid]["cap"], routes[rid]["base"], mr[rid]) - flow[rid])
                    if room <= 0:
                        continue
                    spare = max(left[o] - lvl[o], 0.0)
                    if depth > 0 and spare < room:
                        more = pull(o, room - spare, depth - 1)
                        left[o] += more
                        spare = spare_after(o, more)
                    x = min(room, spare)
                    if x > 0:
                        flow[rid] += x
                        left[o] -= x
                        got += x
                for p in sorted(q for q in procs.index if h in outputs[q] and ("output", q, h) not in lagged):
                    if need - got <= 0:
                        continue
                    y = outputs[p][h]
                    x = min(top[p] - act[p], (need - got) / y)
                    if x <= 0:
                        continue
                    for g, coef in sorted(inputs[p].items()):  # in the order of the hubs' labels
                        spare = max(left[g] - lvl[g], 0.0)
                        if (depth > 0 or deep) and x * coef > spare:
                            more = pull(g, x * coef - spare, max(depth - 1, 0))
                            left[g] += more
                            spare = spare_after(g, more)
                        x = min(x, spare / coef)
                        if x <= 0:
                            break
                    for g, coef in inputs[p].items():
                        x = min(x, left[g] / coef)
                    if x > 0:
                        act[p] += x
                        for g, coef in inputs[p].items():
                            left[g] -= x * coef
                        for g, yy in outputs[p].items():
                            if g == h:
                                got += x * yy
                            else:
                                deliver(g, x * yy, ("output", p, g) in lagged)
                return got

            for kind, node in order:
                if kind == "h":
                    h = node
                    want = sum(target(u) for u in uses[h])
                    if mode == "re-sourcing" and avail[h] < want:
                        more = pull(h, want - avail[h], depth)
                        avail[h] += more
                    ratio = 1.0 if avail[h] >= want else avail[h] / want
                    ratio_of[h] = ratio
                    out["supply"][s, t, hubs.index(h)] = avail[h]
                    left[h] = avail[h]
                    for use in uses[h]:
                        a = target(use) * ratio
                        left[h] -= a
                        if use[0] == "input":
                            given[(use[1], h)] = a
                        elif use[0] == "route":
                            r = routes[use[1]]
                            flow[use[1]] = a
                            deliver(r["to"], a, r["lag"])
                        else:
                            served[use[1]] = a
                    if mode == "re-sourcing" and refill[h] > 0 and level[h] - left[h] > 1e-9 * level[h]:
                        more = pull(h, refill[h] * (level[h] - left[h]), depth)
                        left[h] += more
                    # front-loading: the extra the routes ask, only from what the hub holds above
                    # its level (re-sourcing: and spare supply pulled for it); what a route ships
                    # extra is kept at its destination above the destination's level
                    ext = {u[1]: extra(u[1]) for u in uses[h] if u[0] == "route"}
                    need = sum(ext.values())
                    if need > 0:
                        if mode == "re-sourcing" and need - max(left[h] - lvl[h], 0.0) > 0:
                            more = pull(h, need - max(left[h] - lvl[h], 0.0), deep=True)
                            left[h] += more
                        # down to rush_from_stock of its stock level below what it keeps
                        share = min(1.0, max(left[h] - lvl[h] + rush_from_stock * level[h], 0.0) / need)
                        left[h] -= share * need
                        for rid, x in ext.items():
                            r = routes[rid]
                            flow[rid] += x * share
                            deliver(r["to"], x * share, r["lag"])
                            if r["lag"]:
                                xpipe[r["to"]] += x * share
                            else:
                                lvl[r["to"]] += x * share
                    done.add(h)
                else:
                    p = node
                    a = plan[p]
                    for h, coef in inputs[p].items():
                        a = min(a, given[(p, h)] / coef)
                    act[p] = a
                    for h, coef in inputs[p].items():
                        left[h] += given[(p, h)] - a * coef
                    if mode == "re-sourcing" and alts[p] and act[p] < plan[p] * (1 - 1e-9):
                        act[p] = substitute(
                            p,
                            t,
                            plan[p],
                            act[p],
                            inputs[p],
                            ratio_of,
                            alts[p],
                            ramp_start,
                            lvl,
                            left,
                            lambda g, n: pull(g, n, depth),
                        )
                    for h, y in outputs[p].items():
                        deliver(h, act[p] * y, ("output", p, h) in lagged)
            for p in procs.index:
                if p not in above and act[p] > plan[p] * (1 + 1e-9) + 1e-12:
                    above[p] = t
            stock = {h: min(max(left[h], 0.0), lvl[h]) for h in hubs}
            # what is kept above the stock level stays pulled-forward stock, with what lagged
            # routes pulled forward into the hub (it arrives next period)
            lvl = {h: level[h] + (max(stock[h] - level[h], 0.0) + xpipe[h]) for h in hubs}
            xpipe = dict.fromkeys(hubs, 0.0)
            out["served"][s, t] = served
            out["activity"][s, t] = [act[p] for p in procs.index]
            out["flow"][s, t] = [flow[r] for r in routes]
            out["stock"][s, t] = [stock[h] for h in hubs]
    return out


def substitute(p, t, plan, a0, inputs, ratio, alts, ramp_start, level, left, pull):
    """Activity of process p once it may run on the alternatives of its short inputs.

    ``inputs`` are p's coefficients by hub, ``ratio`` the share of its target each hub handed
    out, ``a0`` p's activity on its own inputs (whose unused part is already back in ``left``).
    Called when p falls short of its plan. An alternative's share is 0 until p is first short
    with its input short, then rises linearly to its
    ``share_max`` over its ramp (in periods); the alternative comes from what its hub holds above
    its level, then from spare supply pulled to that hub. An input's alternatives (a list, in the
    table's order) are asked one after the other for what the earlier ones did not cover; each
    covers at most its share of the activity.
    """
    for h in alts:
        if (p, h) not in ramp_start and ratio[h] < 1 - 1e-9:
            ramp_start[(p, h)] = t

    def share_of(h, smax, ramp):
        if (p, h) not in ramp_start:
            return 0.0
        return smax if ramp <= 0 else smax * min(1.0, (t - ramp_start[(p, h)] + 1) / ramp)

    own = {h: plan * ratio[h] for h in inputs}  # activity each input supports alone
    shares = {h: [share_of(h, smax, ramp) for _, _, smax, ramp in alts[h]] for h in alts}
    top = plan
    for h in inputs:
        total = sum(shares.get(h, []))
        if total <= 0:
            top = min(top, own[h])
        elif total < 1:
            top = min(top, own[h] / (1 - total))
    if not top > a0 + 1e-9 * plan:
        return a0
    for h, coef in inputs.items():
        left[h] -= coef * (min(top, own[h]) - a0)
    covers = {}  # input hub -> activity each of its alternatives' supply covers
    got = {}
    for h, rows in alts.items():
        covered = []
        for i, (g, coef, _, _) in enumerate(rows):
            rest = top - own[h] - sum(covered)
            x = 0.0
            if rest > 0:
                need = coef * min(rest, shares[h][i] * top)
                x = max(0.0, min(need, left[g] - level[g]))
                left[g] -= x
                x += pull(g, need - x)
            got[(h, i)] = x
            covered.append(x / coef if coef > 0 else shares[h][i] * top)
        covers[h] = covered
    a = top
    for h, covered in covers.items():
        if own[h] < top:
            # the largest a <= top with a <= own + sum_i min(share_i a, covered_i), by bisection
            def enough(x, h=h, covered=covered):
                return x <= own[h] + sum(min(s * x, c) for s, c in zip(shares[h], covered, strict=True)) + 1e-12 * top

            lo, hi = own[h], top
            if enough(hi):
                lo = hi
            else:
                for _ in range(200):
                    mid = (lo + hi) / 2
                    lo, hi = (mid, hi) if enough(mid) else (lo, mid)
            a = min(a, lo)
    for h, coef in inputs.items():
        left[h] += coef * (min(top, own[h]) - min(a, own[h]))
    for h, rows in alts.items():
        rest = max(a - own[h], 0.0)
        for i, (g, coef, _, _) in enumerate(rows):
            used = rest if i == len(rows) - 1 else min(covers[h][i], shares[h][i] * a, rest)
            rest -= used
            left[g] += got[(h, i)] - coef * used
    return a
