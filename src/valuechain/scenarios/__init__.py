"""Shocks, scenarios, scenario sets, samplers and the named scenario library."""
