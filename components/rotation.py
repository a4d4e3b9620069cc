"""When the service principal's token is replaced, worked out on a clock so that it can be tested on a simulated one.

Why a time trigger at all: a Databricks `OboToken` has no update (every input forces replacement) and its Read drops
it from the state only after it has expired (terraform-provider-databricks, `tokens/resource_obo_token.go`), so an
unchanged program never renews a token before it expires. The program therefore replaces the token whenever a
pulumiverse-time `Rotating` resource is recreated: that resource's Read removes it from the state once its rotation
time has passed (terraform-provider-time, `time_rotating`: "the rotation checking logic is run during
ReadResource() and the resource is removed from state"), so a `pulumi up --refresh` after that moment makes a new
`Rotating`, whose new timestamp replaces the token: it is the token's `replacement_trigger`, and it is written in the
token's comment, a change of which replaces the token too (`replace_on_changes`). The comment is what replaces the
token of a stack deployed before rotation existed, at its first `pulumi up` with a `Rotating`: the engine replaces on a
trigger only when the old state holds one too (pulumi/pulumi pkg/resource/deploy/step_generator.go,
`shouldTriggerReplace`), and that token has none. Pulumi creates the replacement first, updates the dbt Cloud credential
with it, and deletes the old token last.

The deploy workflow runs `pulumi up --refresh` on a schedule (`.github/workflows/deploy.yml`); a token is therefore
replaced at most one scheduled run after its rotation time. The rule below keeps a whole missed run in hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

SCHEDULED_DEPLOY_EVERY_DAYS = 7
"""How often the deploy workflow's schedule runs `pulumi up --refresh` (weekly; a test holds the workflow to it)."""

MISSED_RUNS_TOLERATED = 1
"""A scheduled run may fail or wait for approval once without the token expiring."""


def latest_rotation_day(lifetime_days: int) -> int:
    """The latest rotation age (days) that still replaces a token before it expires, with one missed run in hand."""
    return lifetime_days - SCHEDULED_DEPLOY_EVERY_DAYS * (1 + MISSED_RUNS_TOLERATED)


def default_rotation_days(lifetime_days: int) -> int:
    """Rotate at two thirds of the lifetime (60 of 90 days), never later than `latest_rotation_day`."""
    return max(1, min(lifetime_days * 2 // 3, latest_rotation_day(lifetime_days)))


def rotation_problem(lifetime_days: int, rotate_after_days: int) -> Optional[str]:
    """Why a token with this lifetime, rotated after this many days, could expire before it is replaced, or None."""
    latest = latest_rotation_day(lifetime_days)
    if rotate_after_days <= latest:
        return None
    return (
        f"rotating after {rotate_after_days} days leaves too little time: the deploy workflow refreshes every "
        f"{SCHEDULED_DEPLOY_EVERY_DAYS} days, so a {lifetime_days}-day token must rotate after at most {latest} days "
        f"(one missed run in hand); lower rotateAfterDays or raise credentialLifetimeDays"
        if latest >= 1
        else f"a {lifetime_days}-day token cannot be rotated in time by a deploy that runs every "
        f"{SCHEDULED_DEPLOY_EVERY_DAYS} days: use credentialLifetimeDays of at least "
        f"{SCHEDULED_DEPLOY_EVERY_DAYS * (1 + MISSED_RUNS_TOLERATED) + 1}"
    )


@dataclass(frozen=True)
class TokenPeriod:
    """One token's life on the simulated clock."""

    created: datetime
    expires: datetime
    replaced: Optional[datetime]
    """When the next token took over (None for the token still in use at the end)."""

    def expired_in_use(self, until: datetime) -> bool:
        """The token expired while dbt Cloud still ran with it (before it was replaced, or before `until`)."""
        return (self.replaced or until) > self.expires


def simulate(
    lifetime_days: int, rotate_after_days: int, start: datetime, until: datetime, runs: Optional[list[datetime]] = None
) -> list[TokenPeriod]:
    """Play the deploy schedule forward: at each run (`pulumi up --refresh`), a `Rotating` past its rotation time is
    recreated and the token replaced. `runs` defaults to the weekly schedule; pass fewer to model failed runs."""
    schedule = runs if runs is not None else _weekly(start, until)
    periods: list[TokenPeriod] = []
    created = start  # the first `pulumi up` makes the first token and starts the rotation clock
    rotation_due = created + timedelta(days=rotate_after_days)
    for run in sorted(schedule):
        if run <= created or run > until:
            continue
        if run >= rotation_due:
            periods.append(TokenPeriod(created, created + timedelta(days=lifetime_days), run))
            created = run
            rotation_due = created + timedelta(days=rotate_after_days)
    periods.append(TokenPeriod(created, created + timedelta(days=lifetime_days), None))
    return periods


def _weekly(start: datetime, until: datetime) -> list[datetime]:
    runs, run = [], start + timedelta(days=SCHEDULED_DEPLOY_EVERY_DAYS)
    while run <= until:
        runs.append(run)
        run += timedelta(days=SCHEDULED_DEPLOY_EVERY_DAYS)
    return runs
