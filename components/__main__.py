"""The package's provider: hosts every component, so that `pulumi package add` can read its schema and other
programs can construct the components in any Pulumi language.

The Python language host runs this file from the `components` folder (which `pulumi package add` clones, or takes
from a local path). The components import each other as the package `components`, so this folder is loaded as that
package by its own path: the package needs nothing outside this folder.
"""

import importlib.util
import sys
from pathlib import Path


def load_package(folder: Path):
    """This folder as the package `components` (the standard recipe for importing a package from its path)."""
    spec = importlib.util.spec_from_file_location(
        "components", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules["components"] = package
    spec.loader.exec_module(package)
    return package


if __name__ == "__main__":
    from pulumi.provider.experimental import component_provider_host

    package = load_package(Path(__file__).resolve().parent)
    component_provider_host(package.COMPONENTS, name=package.PACKAGE_NAME, version=package.PACKAGE_VERSION)
