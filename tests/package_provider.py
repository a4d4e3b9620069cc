"""The package's real provider (`components/__main__.py`), started as `pulumi package add` starts it: a Python
process in the `components` folder, given an engine address, printing the port it serves on."""

from __future__ import annotations

import subprocess
import sys

from synth.render import PROJECT_ROOT


def start_provider() -> subprocess.Popen:
    """Start the provider now (importing the SDKs takes seconds): the test reads its port when it comes."""
    folder = PROJECT_ROOT / "components"
    # No engine is needed to serve the schema: the address is only kept for constructing components.
    return subprocess.Popen(
        [sys.executable, str(folder / "__main__.py"), "127.0.0.1:1"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop_provider(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
