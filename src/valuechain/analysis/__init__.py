"""Dependency metrics, resilience measures and dependency-reduction targets."""
