"""The contract check itself (`fakes/spec.py`): dbt Labs' OpenAPI specs refuse what they do not declare, in requests
and in the fake's answers; the waived differences are few, named, and still true of the specs; without the specs the
tests that need them skip and CI stops first.

Every test that uses the `dbt` fixture checks its own traffic against the specs; these tests check that the check
can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from fakes import spec
from fakes.dbt_cloud import TOKEN, FakeDbtCloud, seed_prod

ROOT = Path(__file__).resolve().parent.parent
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def checked(servers):
    """A fake dbt Cloud whose contract violations a test inspects (the `dbt` fixture would fail the test on them)."""
    spec.require_specs()
    servers[0].clear()
    fake = FakeDbtCloud(servers[0], contract=spec.Contract())
    seed_prod(fake)
    return fake


def base(fake: FakeDbtCloud) -> str:
    return f"{fake.host_url}/v2/accounts/{fake.account_id}"


def test_requests_the_spec_refuses_are_refused_and_recorded(checked):
    run = checked.add_run(4001, "forever")
    url = base(checked)
    refused = [
        # (request, status a request-validating server answers, what the violation says)
        (lambda: httpx.get(f"{url}/runs/{run.id}/", headers={"Authorization": f"Token {TOKEN}"}), 401, "auth"),
        (lambda: httpx.get(f"{url}/runs/{run.id}/"), 401, "auth"),
        (lambda: httpx.post(f"{url}/runs/{run.id}/cancel/", json={}, headers=BEARER), 415, "a body"),
        (lambda: httpx.post(f"{url}/jobs/4001/run/", json={"cause": ""}, headers=BEARER), 400, "body"),
        (lambda: httpx.post(f"{url}/jobs/4001/run/", json={"threads_override": "8"}, headers=BEARER), 400, "body"),
        (lambda: httpx.get(f"{url}/runs/", params={"limit": "ten"}, headers=BEARER), 400, "limit"),
        (lambda: httpx.get(f"{url}/runs/", params={"job_id": 4001}, headers=BEARER), 400, "job_id"),
        (lambda: httpx.get(f"{url}/runs/{run.id}/steps/", headers=BEARER), 404, "no such path"),
        (lambda: httpx.delete(f"{url}/runs/{run.id}/", headers=BEARER), 405, "no DELETE"),
    ]
    for send, status, words in refused:
        before = len(checked.contract.violations)
        answer = send()
        assert answer.status_code == status, (answer.request.url, answer.text)
        assert "refused by the API's spec" in answer.json()["status"]["user_message"]
        assert len(checked.contract.violations) == before + 1 and words in checked.contract.violations[-1]
    assert not run.cancelled  # a refused request does nothing
    # What the spec declares passes: the fake's answers included.
    accepted = [
        httpx.get(f"{url}/runs/{run.id}/", params={"include_related": '["run_steps","trigger"]'}, headers=BEARER),
        httpx.get(f"{url}/runs/", params={"job_definition_id": 4001, "limit": 5, "offset": 0}, headers=BEARER),
        httpx.post(f"{url}/runs/{run.id}/cancel/", headers=BEARER),
        httpx.post(f"{url}/jobs/4001/run/", json={"cause": "contract"}, headers=BEARER),
        httpx.get(f"{url}/", headers=BEARER),
    ]
    assert [answer.status_code for answer in accepted] == [200] * 5
    assert len(checked.contract.violations) == len(refused), checked.contract.report()


def test_answers_the_spec_refuses_are_recorded(checked):
    url = base(checked)
    checked.account["run_slots"] = "five"  # an integer in the spec
    del checked.account["plan"]  # required
    run = checked.add_run(4001, "success")
    checked.jobs[0]["execute_steps"] = "dbt run"  # a list in the spec
    answers = [
        httpx.get(f"{url}/", headers=BEARER),
        httpx.get(f"{url}/runs/{run.id}/", params={"include_related": '["job"]'}, headers=BEARER),
    ]
    assert [answer.status_code for answer in answers] == [200, 200]  # passed on: the test fails at its end instead
    report = checked.contract.report()
    assert "data.run_slots: 'five' is not of type 'integer'" in report
    assert "data: 'plan' is a required property" in report
    assert "data.job.execute_steps: 'dbt run' is not of type 'array'" in report
    # An error answer is held to the envelope the service answers errors in.
    checked.fail_next("GET", "/runs/", 503)
    assert httpx.get(f"{url}/runs/", headers=BEARER).status_code == 503
    assert len(checked.contract.violations) == 2
    checked.contract.check_response(
        _werkzeug_request("GET", f"/api/v2/accounts/{checked.account_id}/runs/"),
        _werkzeug_response(500, b'{"detail": "Internal server error"}'),
    )
    assert len(checked.contract.violations) == 3 and "not the error envelope" in checked.contract.violations[-1]


def test_the_fake_holds_the_apis_page_limit(checked):
    # The spec's words: `limit` "Can be an integer up to 100"; its schema alone says only integer.
    answer = httpx.get(f"{base(checked)}/runs/", params={"limit": 101}, headers=BEARER)
    assert answer.status_code == 400 and "limit" in answer.json()["status"]["user_message"]
    assert not checked.contract.violations


def test_the_waived_differences_are_named_and_still_true_of_the_specs():
    spec.require_specs()
    assert set(spec.KNOWN_DIFFERENCES) == {
        "date-time with a space",
        "null where the service has no value",
        "related objects on request",
        "error answers",
        "endpoints outside the spec",
        "properties outside the spec",
    }
    for difference in spec.KNOWN_DIFFERENCES.values():
        assert difference.what and len(difference.why) > 60
    for version in ("v2", "v3"):
        schemas = spec.raw(version)["components"]["schemas"]
        for name, properties in spec.NULLABLE[version].items():
            for prop in properties:
                declared = schemas[name]["properties"][prop]
                assert not declared.get("nullable"), f"{version} {name}.{prop} is nullable now: drop the waiver"
        for name, properties in spec.RELATED_ONLY[version].items():
            assert properties <= set(schemas[name]["required"]), f"{version} {name}: drop the waiver"
        for name, properties in spec.BEYOND_SPEC.get(version, {}).items():
            declared = set(schemas[name]["properties"]) & properties
            assert not declared, f"{version} {name} declares {declared} now: drop them from BEYOND_SPEC"
        spec.load(version)  # the waivers apply: every entry names what the spec has
    # Nothing else is waived: `id` and `status` of a run may not be null, and a `Token` request is refused.
    assert not {"id", "status"} & spec.NULLABLE["v2"]["RunResponse"]
    token = _werkzeug_request("GET", "/api/v2/accounts/1/runs/1/", {"Authorization": f"Token {TOKEN}"})
    refusal = spec.Contract().check_request(token)
    assert refusal is not None and refusal.status == 401


def test_the_endpoints_outside_the_spec_are_named_absent_from_it_and_alone_allowed():
    from fakes import outside_spec

    spec.require_specs()
    assert outside_spec.stale({version: set(spec.raw(version)["paths"]) for version in ("v2", "v3")}) == []
    assert outside_spec.stale({"v3": {"/api/v3/accounts/{account_id}/environments/{id}/model-notifications/"}})
    for endpoint in outside_spec.ENDPOINTS:
        assert len(endpoint.why) > 60 and "provider" in endpoint.why
    # Another private path, another method, a body, a parameter, the `Token` scheme: each refused.
    for method, path, headers, status in (
        ("GET", "/api/private/accounts/1/features/", BEARER, 404),
        ("POST", "/api/private/accounts/1/notification-settings/", BEARER, 405),
        ("GET", "/api/private/accounts/1/notification-settings/7/", {"Authorization": f"Token {TOKEN}"}, 401),
    ):
        refusal = spec.Contract().check_request(_werkzeug_request(method, path, headers))
        assert refusal is not None and refusal.status == status, (method, path)
    listed = _werkzeug_request("GET", "/api/private/accounts/1/notification-settings/?limit=1&name=x", BEARER)
    assert spec.Contract().check_request(listed).status == 400
    assert (
        spec.Contract().check_request(
            _werkzeug_request("GET", "/api/private/accounts/1/notification-settings/?limit=1&offset=0", BEARER)
        )
        is None
    )


def test_without_the_specs_the_tests_that_need_them_skip(monkeypatch, tmp_path):
    monkeypatch.setattr(spec, "SPEC_DIR", tmp_path / "shared" / "reference" / "dbt-cloud-openapi")
    reason = spec.skip_reason()
    assert reason is not None and reason.startswith("dbt Labs' OpenAPI spec not found at ")
    assert str(tmp_path / "shared" / "reference" / "dbt-cloud-openapi" / "openapi-v2.yaml") in reason
    with pytest.raises(pytest.skip.Exception, match="OpenAPI spec not found"):
        spec.require_specs()


def test_ci_stops_before_the_tests_when_the_specs_are_missing(tmp_path):
    repository = tmp_path / "repository"
    (repository / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repository / ".ci" / "run")
    environment = {**os.environ, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        ["bash", str(repository / ".ci" / "run")], capture_output=True, text=True, env=environment, timeout=60
    )
    assert result.returncode != 0
    assert "../shared/reference/dbt-cloud-openapi/openapi-v2.yaml" in result.stderr
    assert "dbt Labs' OpenAPI specs" in result.stderr
    assert not (repository / "venv").exists()  # it stopped before anything else


# -- helpers ---------------------------------------------------------------------------------------------------


def _werkzeug_request(method: str, path: str, headers: dict[str, str] | None = None):
    from werkzeug.test import EnvironBuilder

    return EnvironBuilder(method=method, path=path, headers=headers or {}).get_request()


def _werkzeug_response(status: int, body: bytes):
    from werkzeug import Response

    return Response(body, status=status, content_type="application/json")


def test_a_request_the_spec_refuses_is_refused_and_recorded_each_time_it_is_sent(checked):
    # The spec's verdicts are remembered per session (fakes/spec.py): a repeat gets the same verdict, and is recorded.
    url = f"{base(checked)}/runs/"
    answers = [httpx.get(url, params={"limit": "ten"}, headers=BEARER) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert len(checked.contract.violations) == 3
    assert all("limit" in violation for violation in checked.contract.violations)
    assert httpx.get(url, params={"limit": 10}, headers=BEARER).status_code == 200  # only that request's verdict
    assert len(checked.contract.violations) == 3
    # The same path and query told apart by a header: the spec's auth scheme accepted, the other refused, each time.
    for _ in range(2):
        assert httpx.get(url, params={"limit": 10}, headers={"Authorization": f"Token {TOKEN}"}).status_code == 401
        assert httpx.get(url, params={"limit": 10}, headers=BEARER).status_code == 200
    assert len(checked.contract.violations) == 5 and "auth" in checked.contract.violations[-1]
