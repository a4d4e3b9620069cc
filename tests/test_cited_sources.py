"""Rules and comments say what their sources say (issue item 36).

- `versionless`: dbt Cloud answers `latest` and the provider keeps `versionless` in its state, so no diff shows
  (terraform-provider-dbtcloud v1.12.5 environment/resource.go:74-79); the advice to write `latest` stands.
- A `Rotating` period below 1 is refused by the provider's `int64validator.AtLeast(1)` on each period
  (terraform-provider-time internal/provider/resource_time_rotating.go:92-145), not by the arithmetic that adds it.
- A development environment has no credential: dbt Cloud's API holds `credentials_id` null for it (openapi-v3.yaml,
  EnvironmentV3), which the provider calls "not actionable" (environment/schema.go:204).
- A serverless warehouse's spot policy, left out, is the provider's default COST_OPTIMIZED
  (sql/resource_sql_endpoint.go:80), not "not sent".
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from components import rules
from components.warehouse import WAREHOUSE
from settings.environments import EnvironmentSettings
from synth import contract, type_tokens as types
from synth.contract.rotating import ROTATIONS


def test_versionless_is_refused_for_what_it_is():
    assert rules.DBT_VERSION_RENAMED == {"versionless": "latest"}
    with pytest.raises(ValidationError) as refused:
        EnvironmentSettings(name="Development", type="development", dbtVersion="versionless")
    message = refused.value.errors()[0]["msg"]
    assert "renamed" not in message and "reads it back" not in message
    assert "'versionless' is the old name of dbt Cloud's 'latest' track" in message
    assert "the provider keeps 'versionless' in its state, so no change would show" in message
    assert message.rstrip().endswith("write latest")


def test_every_rotating_period_cites_the_providers_validator():
    periods = [rule for rule in contract.CONTRACT[types.ROTATING] if rule.rule == "an integer from 1 up"]
    assert sorted(rule.input for rule in periods) == sorted(ROTATIONS[:-1])
    for rule in periods:
        assert "int64validator.AtLeast(1)" in rule.source, rule
        assert "481-509" not in rule.source and "adds nothing" not in rule.source, rule


def test_a_development_environments_credential_cites_what_the_api_does():
    (rule,) = [
        rule
        for rule in contract.CONTRACT[types.ENVIRONMENT]
        if rule.input == "type" and rule.rule.endswith("does not take credentialId")
    ]
    assert "Null for development environments" in rule.source and "openapi-v3.yaml" in rule.source
    assert "not actionable for development environments" in rule.source
    assert "dbt Cloud keeps it null" in rule.rule


def test_the_spot_policy_left_out_is_the_providers_default():
    assert "the provider sends its default, COST_OPTIMIZED" in WAREHOUSE.by_hand["spot_instance_policy"]
