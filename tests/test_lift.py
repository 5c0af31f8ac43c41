"""A rep must move the body as its exercise needs beyond its own angle (formcheck.checking.lift, RepSpec.lift)."""

from __future__ import annotations

import math

import pytest

from formcheck.checking.lift import LiftCheck
from formcheck.checking.reps import Rep
from formcheck.exercises import get
from formcheck.exercises.base import RepSpec


def rep(start: float, end: float, start_value: float = 50.0, under_way: bool = False) -> Rep:
    return Rep(None, start, start + 1, end - 1, end, 10.0, start_value, True, False, under_way_at_start=under_way)


def watched(trunk: list[tuple[float, float]]) -> LiftCheck:
    check = LiftCheck(("trunk_elevation", -5.0))
    for t, v in trunk:
        check.add({"trunk_elevation": v}, t)
    return check


def test_the_hips_must_rise_from_where_they_were_when_the_rep_began():
    lying = [(t / 10, -2.0) for t in range(0, 20)]
    bridge = watched(lying + [(2.0 + t / 10, -2.0 - 2.0 * t) for t in range(15)] + [(3.5, -2.0)])  # down to -30
    assert bridge.lifted(rep(2.0, 3.5))
    slide = watched(lying + [(2.0 + t / 10, -2.0 - 0.2 * t) for t in range(15)])  # 2.8 deg: the hips stayed down
    assert not slide.lifted(rep(2.0, 3.5))
    tilted = watched([(t / 10, -20.0) for t in range(20)] + [(2.5, -26.0)])  # a camera that reads lying as -20
    assert tilted.lifted(rep(2.0, 3.0))  # measured from the start, not from 0


def test_a_rep_whose_start_was_not_seen_or_without_values_is_believed():
    slide = watched([(t / 10, -2.0) for t in range(40)])
    assert slide.lifted(rep(0.0, 3.0, under_way=True)) and slide.lifted(rep(0.0, 3.0, start_value=math.nan))
    assert watched([]).lifted(rep(2.0, 3.0))
    assert LiftCheck(None).lifted(rep(2.0, 3.0))  # an exercise without a lift


def test_the_bridge_declares_its_lift_and_a_zero_lift_is_refused():
    assert get("bridge").reps.lift == ("trunk_elevation", -5.0)
    with pytest.raises(ValueError, match="lift"):
        RepSpec("x", 10.0, 50.0, lift=("trunk_elevation", 0.0))
