"""The providers' contract: what the real dbt Cloud and Databricks providers (and their APIs) refuse.

Mocks that echo inputs prove nothing. The mocks (`synth.mocks`) hold every registration to these rules, so a program
that declares what `pulumi up` would refuse fails its offline rendering with the resource, the input, the rule and the
rule's source, instead of failing on a user's first deploy. The contract is the independent oracle: it reads the
providers' source and documentation, never this project's own rules (`components.rules`), so that a wrong rule there
is caught here.

Two kinds of rules, one module per provider:
- `CONTRACT`: per resource type, rules on one resource's own inputs (`dbtcloud.py`, `dbtcloud_alerts.py`,
  `databricks.py`, `rotating.py`,
  built from `rule.py`). Checked in `ProviderMocks.new_resource`.
- `CONTEXT_RULES` (`context.py`): rules that need the resources registered before. Checked in
  `RecordingMonitor.RegisterResource`, which sees each registration's dependencies.
"""

from __future__ import annotations

from ..type_tokens import STACK_REFERENCE  # noqa: F401  (re-exported)
from ..values import plain
from .context import CONTEXT_RULES, ContextRule, Known, Subject, World, check_in_context, provider_urn  # noqa: F401
from .databricks import DATABRICKS, grant_securable  # noqa: F401
from .dbtcloud import DBT_CLOUD
from .dbtcloud_alerts import ALERTS
from .rotating import OTHERS
from .rule import ContractViolation, Rule, Violation

CONTRACT: dict[str, tuple[Rule, ...]] = {**DBT_CLOUD, **ALERTS, **DATABRICKS, **OTHERS}
"""Every resource type's rules on its own inputs."""


def check(type_: str, name: str, inputs: dict) -> list[Violation]:
    """Every rule of `type_` that these inputs (plain or as the mocks see them) break."""
    inputs = plain(inputs)
    found = []
    for rule in CONTRACT.get(type_, ()):
        broken = rule.broken(inputs)
        if broken is not None:
            found.append(Violation(type_, name, rule.input, broken, rule.rule, rule.source))
    return found


__all__ = [
    "CONTEXT_RULES",
    "CONTRACT",
    "ContextRule",
    "ContractViolation",
    "Known",
    "Rule",
    "Subject",
    "Violation",
    "World",
    "check",
    "check_in_context",
    "grant_securable",
    "plain",
    "provider_urn",
]
