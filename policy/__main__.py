"""The guardrails policy pack: `pulumi preview --policy-pack policy` (from the project folder)."""

from guardrails import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name="dbt-platform-guardrails", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
