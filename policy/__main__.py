"""The guardrails policy pack: `pulumi preview --policy-pack policy` (from the project folder)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from guardrails import POLICIES

PolicyPack(name="dbt-platform-guardrails", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
