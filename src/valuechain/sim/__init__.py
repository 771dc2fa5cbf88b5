"""Disruption simulation: networks and shocks compiled to arrays, run by Numba kernels."""
