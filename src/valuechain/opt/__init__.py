"""Least-cost resilient sourcing and capacity planning: build, solve and extract with Pyomo and HiGHS."""
