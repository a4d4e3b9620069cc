"""Token rotation on a simulated clock: with the deploy workflow's weekly refresh, a token is always replaced
before it expires, and the rule in the settings refuses the configurations where it would not be."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from components.rotation import (
    SCHEDULED_DEPLOY_EVERY_DAYS,
    default_rotation_days,
    latest_rotation_day,
    rotation_problem,
    simulate,
)

START = datetime(2026, 1, 5, 5, 23, tzinfo=timezone.utc)  # a Monday, at the workflow's scheduled time
THREE_YEARS = START + timedelta(days=3 * 365)


def test_the_committed_setting_never_runs_on_an_expired_token():
    periods = simulate(90, 60, START, THREE_YEARS)
    assert len(periods) > 15
    assert not any(period.expired_in_use(THREE_YEARS) for period in periods)
    # Each token is replaced at its first scheduled run after 60 days: at 63 days (9 weeks), 27 days before expiry.
    ages = {(period.replaced - period.created).days for period in periods if period.replaced}
    assert ages == {63}


def test_one_missed_run_is_tolerated():
    schedule = [START + timedelta(days=7 * week) for week in range(1, 160)]
    missed = [run for run in schedule if run != START + timedelta(days=63)]  # the run that would have rotated
    periods = simulate(90, 60, START, THREE_YEARS, runs=missed)
    assert (periods[0].replaced - periods[0].created).days == 70
    assert not any(period.expired_in_use(THREE_YEARS) for period in periods)


def test_without_the_schedule_the_token_expires_in_use():
    """What the review found: with only the pushes that happen to come, nothing replaces the token in time."""
    periods = simulate(90, 60, START, THREE_YEARS, runs=[START + timedelta(days=120)])
    assert periods[0].expired_in_use(THREE_YEARS)


@pytest.mark.parametrize("lifetime", [15, 30, 60, 90, 180, 365])
def test_every_accepted_setting_rotates_in_time_even_with_a_missed_run(lifetime):
    for rotate_after in range(1, lifetime + 1):
        accepted = rotation_problem(lifetime, rotate_after) is None
        schedule = [START + timedelta(days=SCHEDULED_DEPLOY_EVERY_DAYS * week) for week in range(1, 200)]
        # The worst case: the run that falls due right after each rotation time fails once.
        due = START + timedelta(days=rotate_after)
        first_due_run = min(run for run in schedule if run >= due)
        worst = [run for run in schedule if run != first_due_run]
        periods = simulate(lifetime, rotate_after, START, START + timedelta(days=lifetime * 3), runs=worst)
        safe = not periods[0].expired_in_use(START + timedelta(days=lifetime * 3))
        if accepted:
            assert safe, (lifetime, rotate_after)
        if rotate_after == latest_rotation_day(lifetime) + SCHEDULED_DEPLOY_EVERY_DAYS + 1:
            assert not accepted


def test_defaults_and_messages():
    assert default_rotation_days(90) == 60
    assert default_rotation_days(30) == 16
    assert rotation_problem(90, 60) is None
    assert "must rotate after at most 76 days" in rotation_problem(90, 80)
    assert "use credentialLifetimeDays of at least 15" in rotation_problem(10, 5)
