"""Every policy checks its region fields and its commodities with the same message."""

from __future__ import annotations

import pytest

from valuechain.errors import StudyError
from valuechain.opt import ExportBan, MaxOriginShare, MinDomesticShare, TechnologyControl, ThirdCountryCap

CASES = [
    (MaxOriginShare, {"commodities": ["c"], "region": "EU27", "origin": "CN", "share": 0.5}, "origin"),
    (MaxOriginShare, {"commodities": ["c"], "region": "EU27", "origin": "CN", "share": 0.5}, "region"),
    (ThirdCountryCap, {"commodities": ["c"], "region": "EU27"}, "region"),
    (MinDomesticShare, {"commodities": ["c"], "region": "EU27", "share": 0.4}, "region"),
    (ExportBan, {"commodities": ["black_mass"], "from_region": "EU27"}, "from_region"),
    (TechnologyControl, {"origin": "CN"}, "origin"),
]


@pytest.mark.parametrize(("cls", "good", "field"), CASES, ids=[f"{c[0].__name__}-{c[2]}" for c in CASES])
def test_empty_region_is_rejected_uniformly(cls: type, good: dict, field: str) -> None:
    cls(**good)  # the valid form builds
    with pytest.raises(StudyError, match=rf"The '{field}' parameter of {cls.__name__} must be a region or group id"):
        cls(**{**good, field: ""})


WITH_COMMODITIES = [(c, g) for c, g, field in CASES if "commodities" in g and field != "origin"]


@pytest.mark.parametrize(("cls", "good"), WITH_COMMODITIES, ids=[c.__name__ for c, _ in WITH_COMMODITIES])
def test_empty_commodities_are_rejected_uniformly(cls: type, good: dict) -> None:
    with pytest.raises(StudyError, match=rf"The 'commodities' parameter of {cls.__name__} must be a non-empty list"):
        cls(**{**good, "commodities": []})
