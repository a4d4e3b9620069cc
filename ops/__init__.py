"""Online commands for what the stacks deploy: run and follow dbt Cloud jobs, their history, docs, a preflight.

`python -m ops --help` lists the commands. Beside the offline `synth`; the Pulumi program never imports this.
"""
