"""Webhooks: dbt Cloud posts to an HTTPS endpoint when runs of the named jobs (or of every job) start, complete or
fail."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import NotModelled, Passed, ProviderArguments, passed
from .package import InvalidArgument, entry, one_of, type_token

COMPONENT = "JobWebhooks"
EVENTS = {"started": "job.run.started", "completed": "job.run.completed", "errored": "job.run.errored"}
"""The events in words -> the API's event types (docs.getdbt.com/docs/deploy/webhooks)."""

WEBHOOK_FIELDS = {"name": Passed("name"), "url": Passed("client_url"), "description": Passed("description")}
"""A `Webhook`'s arguments handed to the provider as they are."""

WEBHOOK = ProviderArguments(
    dbtcloud.Webhook,
    passed=WEBHOOK_FIELDS,
    by_hand={"event_types": "events, as the API's event types", "job_ids": "jobs, as job numbers (none: every job)"},
    not_modelled={"active": NotModelled("a webhook switched off", True)},
)
PROVIDER_ARGUMENTS = (WEBHOOK,)


class Webhook(TypedDict):
    """One webhook subscription."""

    name: pulumi.Input[str]
    """The webhook's name in dbt Cloud."""
    url: pulumi.Input[str]
    """The https endpoint dbt Cloud posts run events to."""
    events: list[str]
    """started, completed (errored runs included) and/or errored."""
    jobs: NotRequired[list[str]]
    """Keys (in `jobIds`) of the jobs whose runs are sent. Default: every job of the account."""
    description: NotRequired[pulumi.Input[str]]
    """What the webhook is for. Default none."""
    import_id: NotRequired[str]
    """The id (`wsu_...`) of an existing webhook to adopt (import). Default: create one."""


class JobWebhooksArgs(TypedDict):
    """Arguments of `JobWebhooks`."""

    webhooks: dict[str, Webhook]
    """The webhooks, by a key of your choosing (used in resource names and in `signingSecrets`)."""
    job_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    """Job numbers by key (a `DbtJobs`'s `jobIds`)."""


class JobWebhooks(pulumi.ComponentResource):
    """One `dbtcloud.Webhook` per key. Each webhook's signing secret (dbt Cloud signs every request with it, so the
    endpoint can check who sent it) is an output, kept a Pulumi secret."""

    signing_secrets: pulumi.Output[dict[str, str]]
    """Each webhook's signing secret (HMAC key), by key: a Pulumi secret."""

    def __init__(self, name: str, args: JobWebhooksArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(JobWebhooks, "dbtcloud"), name, None, opts)
        self.webhooks = {
            key: self._webhook(name, key, webhook, args["job_ids"]) for key, webhook in args["webhooks"].items()
        }
        # dbt Cloud returns the secret when the webhook is created, and the provider keeps it in the state.
        self.signing_secrets = pulumi.Output.secret(
            pulumi.Output.all(**{key: webhook.hmac_secret for key, webhook in self.webhooks.items()})
        )
        self.register_outputs({"signing_secrets": self.signing_secrets})

    @staticmethod
    def _check(name: str, args: JobWebhooksArgs) -> None:
        for key, webhook in args["webhooks"].items():
            where = f"webhooks.{key}"
            if not webhook.get("events"):
                raise InvalidArgument(COMPONENT, name, f"{where}.events", webhook.get("events"), "at least one event")
            for event in webhook["events"]:
                one_of(COMPONENT, name, f"{where}.events", event, EVENTS)
            url = webhook.get("url")
            if isinstance(url, str) and not url.startswith("https://"):
                raise InvalidArgument(COMPONENT, name, f"{where}.url", url, "an https URL")
            if webhook.get("jobs") is not None and not webhook["jobs"]:
                raise InvalidArgument(COMPONENT, name, f"{where}.jobs", [], "leave it out for every job")
            if isinstance(args["job_ids"], dict):  # else checked as the job numbers resolve
                for job in webhook.get("jobs") or []:
                    one_of(COMPONENT, name, f"{where}.jobs", job, args["job_ids"])

    def _webhook(
        self, name: str, key: str, webhook: Webhook, job_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    ) -> dbtcloud.Webhook:
        jobs = [entry(COMPONENT, name, f"webhooks.{key}.jobs", job_ids, job) for job in webhook.get("jobs") or []]
        return dbtcloud.Webhook(
            f"{name}-{key}",
            **passed(WEBHOOK_FIELDS, webhook),
            event_types=[EVENTS[event] for event in webhook["events"]],
            job_ids=jobs or None,
            opts=pulumi.ResourceOptions(parent=self, import_=webhook.get("import_id")),
        )
