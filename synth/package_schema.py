"""The Pulumi package schema of `components/`, inferred offline exactly as the package's provider infers it.

`pulumi package add` asks the provider (`components/__main__.py`) for its schema; the provider builds it with
`pulumi.provider.experimental` from the components' type annotations and docstrings. Building the same
`ComponentProvider` here gives the same schema without the Pulumi CLI, so that it can be committed
(`components/schema.json`, for review and for tools that read a schema file) and kept current by a test.
"""

from __future__ import annotations

import json

from pulumi.provider.experimental.component import ComponentProvider

from components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION

PACKAGE_SCHEMA_FILE = "components/schema.json"


def package_schema() -> dict:
    """The schema the package's provider serves."""
    provider = ComponentProvider(COMPONENTS, PACKAGE_NAME, None, PACKAGE_VERSION)
    return json.loads(provider.schema or "{}")


def package_schema_text() -> str:
    """The schema as committed: indented, one trailing newline."""
    return json.dumps(package_schema(), indent=2) + "\n"
