"""Online commands for what the stacks deploy: run and follow dbt Cloud jobs, their history, docs, a preflight.

`python -m ops --help` lists the commands. Beside the offline `synth`; the Pulumi program never imports this.
"""

from command_line import require_installed

# Started with a Python other than the project's virtualenv, say what to run rather than end in an import traceback.
require_installed("ops", ("httpx", "rich", "pydantic", "yaml"))
