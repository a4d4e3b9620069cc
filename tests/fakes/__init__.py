"""The test suite's fakes of the APIs the online commands call, real HTTP servers on 127.0.0.1 (pytest-httpserver):

- `dbt_cloud.py`: dbt Cloud's Administrative API, v2 and v3 (`FakeDbtCloud`, `seed_prod`), made of `envelope.py`
  (token, envelope, pagination), `runs.py` (v2 jobs and runs) and `projects.py` (what `ops adopt` reads: v3
  projects, environments, connections, repositories, credentials, variables; v2 notifications; `seed_hand_made`);
- `logs.py`: dbt's console output in run steps' logs;
- `databricks.py`: the Databricks workspace API the SDK calls (`FakeDatabricks`);
- `dbt_cloud.py` also serves, through `alerts.py`, webhooks, Teams notification settings and model notifications;
- `spec.py`: dbt Labs' OpenAPI specs as the contract every request to and answer of the fake dbt Cloud is checked
  against (`Contract`), with the known differences between the specs and the service it waives;
  `outside_spec.py`: the endpoints the specs lack that `ops` calls, each with why and the shape it must answer in.
"""
