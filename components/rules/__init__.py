"""What dbt Cloud, Databricks and their Pulumi providers refuse, as data and small pure checks: the one home of
these rules, read as one module (`from components import rules`; `rules.MAX_TAGS`), kept in one file per provider.

The stack settings (`settings`), the components' own checks, the policy pack and `ops` all read them from here. Leaf
modules: they import nothing but the standard library, so that reading a rule costs no SDK, no pydantic and no cron
library (the component package, `ops follow` and the policy pack import them alone). What the providers really do is
held apart, as an independent oracle, by the contract mocks (`synth/contract/`).
"""

from .common import *  # noqa: F403
from .databricks import *  # noqa: F403
from .dbtcloud import *  # noqa: F403
