"""The capital recovery factor that turns a capital cost into a yearly payment."""

from __future__ import annotations

__all__ = ["crf"]


def crf(rate: float, lifetime: float) -> float:
    """Capital recovery factor: the yearly payment that repays 1 over ``lifetime`` years at ``rate``.

    :math:`CRF = r(1+r)^L / ((1+r)^L - 1)`, and :math:`1/L` at :math:`r = 0`.

    Examples
    --------
    >>> round(crf(0.1, 2), 12)  # 0.1 x 1.21 / 0.21
    0.57619047619
    >>> crf(0.0, 4)
    0.25
    """
    life = max(float(lifetime), 1e-9)
    if rate <= 0:
        return 1.0 / life
    growth = (1.0 + rate) ** life
    return rate * growth / (growth - 1.0)
