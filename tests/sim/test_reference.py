"""The Numba kernel (through simulate) agrees with the plain reference on random networks."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_simulate
from strategies import networks, shock_arrays

from valuechain.sim import simulate


def _by_label(ds, var, item, labels):
    return ds[var].sel({item: list(labels)}).transpose("scenario", "period", item).to_numpy()


def _hub_served(net, ref):
    """Reference served demand aggregated to hubs, in net.hub_ids order."""
    from valuechain.network.validate import hub_id

    hubs = list(net.hub_ids)
    out = np.zeros((*ref["served"].shape[:2], len(hubs)))
    for i, (r, c) in enumerate(zip(net.demand["region"], net.demand["commodity"], strict=True)):
        out[:, :, hubs.index(hub_id(r, c))] += ref["served"][:, :, i]
    return out


def _close(a, b):
    scale = max(1.0, float(np.abs(b).max(initial=0.0)))
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 * scale)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_kernel_matches_reference(data):
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    depth = data.draw(st.sampled_from([0, 1, 2, None]))  # how far up re-sourcing ramps up spare capacity
    online = data.draw(st.booleans())  # whether spare capacity comes online over the processes' ramp_up
    rush = data.draw(st.sampled_from([0.0, 0.5, 1.0]))  # share of a hub's stock front-loading may ship
    for mode in ("pro-rata", "re-sourcing"):
        ds = simulate(net, sh, mode=mode, ramp_depth=depth, spare_ramp=online, rush_from_stock=rush).dataset
        ref = reference_simulate(net, sh, mode, ramp_depth=depth, spare_ramp=online, rush_from_stock=rush)
        _close(_by_label(ds, "activity", "process", net.processes.index), ref["activity"])
        _close(_by_label(ds, "flow", "route", net.routes.index), ref["flow"])
        _close(_by_label(ds, "stock", "hub", net.hub_ids), ref["stock"])
        _close(_by_label(ds, "supply", "hub", net.hub_ids), ref["supply"])
        _close(_by_label(ds, "served", "hub", net.hub_ids), _hub_served(net, ref))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_kernel_matches_reference_with_a_recourse_forbidden(data):
    # the random networks' alternatives alternate between the two named recourses
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    flags = data.draw(st.sampled_from([(True, False), (False, True), (False, False)]))
    kw = {
        "substitution": flags[0],
        "chemistry_switching": flags[1],
        "ramp_depth": data.draw(st.sampled_from([0, None])),
    }
    ds = simulate(net, sh, mode="re-sourcing", **kw).dataset
    ref = reference_simulate(net, sh, "re-sourcing", **kw)
    _close(_by_label(ds, "activity", "process", net.processes.index), ref["activity"])
    _close(_by_label(ds, "flow", "route", net.routes.index), ref["flow"])
    _close(_by_label(ds, "served", "hub", net.hub_ids), _hub_served(net, ref))


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spare_capacity_with_no_ramp_comes_online_at_once(data):
    # a process whose ramp_up is 0 brings all its spare capacity online in the first period, as
    # without spare_ramp
    import warnings

    from valuechain.errors import NetworkWarning
    from valuechain.network.model import Network

    net = data.draw(networks())
    tables = dict(net.tables)
    tables["processes"] = tables["processes"].assign(ramp_up=0.0)
    with warnings.catch_warnings():  # (random networks need not balance; the strategy builds them so)
        warnings.simplefilter("ignore", NetworkWarning)
        flat = Network.from_frames(net.name, tables, year=net.year, period=net.period)
    sh = data.draw(shock_arrays(flat))
    at_once = simulate(flat, sh, mode="re-sourcing", ramp_depth=None).dataset
    ramped = simulate(flat, sh, mode="re-sourcing", ramp_depth=None, spare_ramp=True).dataset
    for name in ("activity", "flow", "served"):
        np.testing.assert_array_equal(at_once[name].to_numpy(), ramped[name].to_numpy())
