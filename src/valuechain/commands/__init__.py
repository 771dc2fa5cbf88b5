"""CLI commands, one module per layer; each defines ``register(app)``."""
