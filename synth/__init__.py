"""The offline runner: `python -m synth --help`. Beside the program, which never imports it."""

from command_line import require_installed

# Started with a Python other than the project's virtualenv, say what to run rather than end in an import traceback.
require_installed("synth", ("pulumi", "pulumi_dbtcloud", "pulumi_databricks", "pydantic", "yaml"))
