"""The package's provider: hosts every component, so that `pulumi package add` can read its schema and other
programs can construct the components in any Pulumi language.

The Python language host runs this file from the `components` folder, which Pulumi clones with the rest of the
repository; the components import each other as the `components` package and reuse the pure rules in
`settings.rules`, so the repository root goes on the import path first.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION  # noqa: E402

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=PACKAGE_VERSION)
