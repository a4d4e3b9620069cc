"""`python -m ops adopt`: write a stack file from a dbt Cloud project and Databricks warehouse made by hand.

`read` gathers what belongs to the project through the APIs, `config` turns it into this project's config (and
lists what the model cannot hold), `write` writes the YAML, `verify` renders it offline and compares every
adopted resource's declared inputs with what the APIs returned, and `command` runs the whole.
"""
