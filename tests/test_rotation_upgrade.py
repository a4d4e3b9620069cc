"""A stack deployed before token rotation existed: its first `pulumi up` with the rotation replaces the token at once.

Such a stack's token has no replacement trigger in its state, and Pulumi's engine replaces on a trigger only when
both the old and the new one are set (pulumi/pulumi pkg/resource/deploy/step_generator.go, `shouldTriggerReplace`:
unknowns count as changed, "Nulls mean there is no replacement trigger"). So the preview, where the new Rotating's
time is still unknown, shows a replacement that `up` then does not make, and the old token lives on until the first
rotation, past its own expiry if it was made long enough before. The token's comment names the rotation time, and a
changed comment replaces it (`replace_on_changes`): the engine's decision is modelled below on what the mocks record.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from helpers import OBO_TOKEN, ROTATING, plain

from components.service_principal import DbtServicePrincipal
from synth.mocks import Registration
from synth.render import run_under_mocks

DEPLOYED = datetime(2026, 3, 2, 5, 23, tzinfo=timezone.utc)  # a Monday, at the deploy workflow's scheduled time
ARGS = {
    "display_name": "dbt Cloud - Production",
    "warehouse_id": "0123456789abcdef",
    "token_usage": {"via_group": "dbt-service-principals"},
    "credential_lifetime_days": 90,
    "rotate_after_days": 60,
}
BEFORE_ROTATION = {
    # What the program declared before rotation existed (git show e65a5ab^:components/service_principal.py): the same
    # token, with no Rotating and so no replacement trigger.
    "comment": "dbt Cloud runs (dbt Cloud - Production), rotation 1",
    "lifetimeSeconds": 90 * 24 * 3600,
}


def token_at(now: datetime) -> tuple[Registration, Registration]:
    """The token and its Rotating, as a `pulumi up` at `now` that creates the Rotating would declare them."""
    rendering = run_under_mocks(
        lambda: DbtServicePrincipal("service-principal", ARGS), "dbtcloud-databricks", "prod", {}, now=now
    )
    (token,) = rendering.resources(OBO_TOKEN)
    (rotation,) = rendering.resources(ROTATING)
    return token, rotation


def _trigger_replaces(new: Any, old: Any) -> bool:
    """step_generator.go `shouldTriggerReplace` (unknowns are not modelled: `up` knows every value)."""
    if old is None or new is None:
        return False
    return new != old


def engine_replaces(old_inputs: dict, old_trigger: Optional[Any], new: Registration) -> bool:
    """Whether `pulumi up` replaces the token: its trigger changed, or an input named in `replace_on_changes` did
    (applicationId, which only the principal's replacement changes, left aside)."""
    inputs = plain(new.inputs)
    changed = [key for key in new.replace_on_changes if old_inputs.get(key) != inputs.get(key)]
    return bool(changed) or _trigger_replaces(new.replacement_trigger, old_trigger)


def test_the_first_up_with_rotation_replaces_a_token_made_before_it():
    token, rotation = token_at(DEPLOYED)
    assert token.replacement_trigger == rotation.outputs["rotationRfc3339"]
    # The trigger alone would not replace it: the old state has none.
    assert not _trigger_replaces(token.replacement_trigger, None)
    assert engine_replaces(BEFORE_ROTATION, None, token)


def test_an_unchanged_stack_keeps_its_token():
    token, _ = token_at(DEPLOYED)
    assert not engine_replaces(plain(token.inputs), token.replacement_trigger, token)


def test_the_token_is_replaced_when_its_rotating_is_recreated():
    old, _ = token_at(DEPLOYED)
    # Nine weeks on, the scheduled `pulumi up --refresh` finds the rotation time past and makes a new Rotating.
    new, rotation = token_at(DEPLOYED + timedelta(weeks=9))
    assert rotation.outputs["rotationRfc3339"] == "2026-07-03T05:23:00Z"
    assert plain(new.inputs)["comment"].endswith("replaced after 2026-07-03T05:23:00Z")
    assert engine_replaces(plain(old.inputs), old.replacement_trigger, new)
    assert new.delete_before_replace is False  # the new token first, the old one deleted last
