"""The adoption of webhooks, Microsoft Teams notification settings and model notifications: the builder's part for
them (`AlertSections`, mixed into `config._Builder`).

What a stack file cannot hold is left out with why, as everywhere in `ops adopt`:
- a webhook that names no job sends the runs of every job of the account: it belongs to the account, not to this
  project, so it is adopted only when asked (`--account-webhooks`), in one stack; a Teams setting with a rule for
  every job (no `job_id`) likewise, and it cannot be asked for: the stack's settings name its own jobs;
- jobs of other projects in a webhook or a Teams setting (the stack names its own jobs only), event types or triggers
  the stack does not know, more than one channel, a Teams setting's rules in an order the stack cannot write (the
  provider compares the list in order);
- model notifications on a development environment or on a legacy dbt version (the settings take them on deployment
  environments on a release track).
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlsplit

from components import rules
from components.environments import MODEL_NOTIFICATION_FIELDS
from components.fields import camel, read_back
from components.notifications import EVENTS, SETTING_FIELDS
from components.webhooks import EVENTS as WEBHOOK_EVENTS, WEBHOOK, WEBHOOK_FIELDS

from .keys import slug, unique
from .read import Live
from .read_alerts import numbers

SIGNING_SECRET_NOTE = (
    "dbt Cloud gives a webhook's signing secret only when the webhook is created (terraform-provider-dbtcloud "
    "webhook/resource.go: Create sets hmac_secret, Read never does): after pulumi up imports {keys}, the stack output "
    "webhookSigningSecrets holds no value for {them}; your endpoint keeps checking the secret it has"
)


class AlertSections:
    """Webhooks, Teams settings (as `msTeams` notifications) and model notifications (in their environments)."""

    live: Live
    known: dict[str, dict[Any, str]]
    job_keys: dict[int, str]
    notes: list[str]
    account_webhooks: bool
    webhook_keys: dict[str, str]
    """Webhook id -> its key."""
    teams_keys: dict[int, str]
    """Teams notification setting id -> its key in `notifications`."""
    model_notification_environments: set[int]
    """The environments whose model notifications the file holds."""

    def skip(self, where: str, value: Any, why: str, changes_preview: bool = True) -> None:
        raise NotImplementedError

    def not_in_the_model(self, where: str, arguments: Any, answer: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- webhooks --------------------------------------------------------------------------------------------------

    def webhooks(self) -> dict[str, Any]:
        kept = self.known["webhooks"]
        taken = set(kept.values())
        words = {api: word for word, api in WEBHOOK_EVENTS.items()}
        sections: dict[str, Any] = {}
        for hook in sorted(self.live.alerts.webhooks, key=lambda hook: str(hook["id"])):
            name = str(hook.get("name") or "")
            label = f"webhook {hook['id']} ({name!r})"
            jobs = numbers(hook.get("job_ids"))
            url = str(hook.get("client_url") or "")
            events = [event for event in hook.get("event_types") or [] if isinstance(event, str)]
            known = list(dict.fromkeys(words[event] for event in events if event in words))
            if not jobs and not self.account_webhooks:
                self.skip(
                    label,
                    "every job of the account",
                    "it names no job, so dbt Cloud sends it the runs of every job of the account: it is the "
                    "account's, not this project's; adopt it in one stack only, with --account-webhooks",
                    changes_preview=False,
                )
                continue
            if urlsplit(url).scheme != "https":
                self.skip(f"{label}.client_url", url, "the stack's webhooks post to https endpoints only", False)
                continue
            if not known:
                self.skip(
                    f"{label}.event_types", events, "no event the stack knows (started, completed, errored)", False
                )
                continue
            key = kept.get(str(hook["id"])) or unique(slug(name, "webhook"), taken)
            taken.add(key)
            self.webhook_keys[str(hook["id"])] = key
            where = f"webhooks.{key}"
            read = read_back(WEBHOOK_FIELDS, hook)
            section: dict[str, Any] = {"name": name, "url": url, "events": known}
            if len(known) != len(events):
                self.skip(
                    f"{where}.event_types",
                    events,
                    "the stack lists each event it knows once (started, completed, errored): the first preview "
                    "would write the list without the others",
                )
            own = [self.job_keys[job] for job in jobs if job in self.job_keys]
            if own:
                section["jobs"] = own
            foreign = [job for job in jobs if job not in self.job_keys]
            if foreign:
                self.skip(
                    f"{where}.job_ids",
                    foreign,
                    "jobs outside this project: the stack's webhooks name its own jobs, so the first preview would "
                    "drop them",
                )
            if "description" in read:
                section["description"] = read["description"]
            self.not_in_the_model(where, WEBHOOK, hook)
            sections[key] = section
        if sections:
            keys = ", ".join(f"webhooks.{key}" for key in sections)
            self.notes.append(SIGNING_SECRET_NOTE.format(keys=keys, them="it" if len(sections) == 1 else "them"))
        return sections

    # -- Microsoft Teams -------------------------------------------------------------------------------------------

    def teams(self, taken: set[str]) -> dict[str, Any]:
        """The Teams settings as `msTeams` notifications, keyed in `taken` (the notifications' keys)."""
        kept = self.known["notifications"]
        kind = rules.NOTIFICATION_KINDS["msTeams"]
        triggers = {trigger: event for event, trigger in rules.SETTING_TRIGGERS.items()}
        sections: dict[str, Any] = {}
        for setting in self.live.alerts.teams:
            name = str(setting.get("name") or "")
            label = f"Teams notification setting {setting['id']} ({name!r})"
            channels = [channel for channel in setting.get("channels") or [] if isinstance(channel, dict)]
            found = [rule for rule in setting.get("rules") or [] if isinstance(rule, dict)]
            if any(rule.get("job_id") is None for rule in found):
                self.skip(
                    label,
                    "every job of the account",
                    "a rule without a job fires for every job of the account; the stack's Teams notifications name "
                    "its own jobs (one rule per job and event)",
                    changes_preview=False,
                )
                continue
            if not (
                len(channels) == 1
                and channels[0].get("channel_type") == kind.channel
                and all(channels[0].get(field) for field in kind.fields)
            ):
                self.skip(
                    f"{label}.channels",
                    [channel.get("channel_type") for channel in channels],
                    "a stack's Teams notification posts to one Teams channel (its team and channel ids)",
                    changes_preview=False,
                )
                continue
            ordered = [
                (triggers[rule.get("trigger_on")], job)
                for rule in found
                for job in numbers([rule.get("job_id")])
                if rule.get("trigger_on") in triggers and job in self.job_keys
            ]
            if not ordered:
                ours = [
                    rule.get("trigger_on") for rule in found if set(numbers([rule.get("job_id")])) & set(self.job_keys)
                ]
                if ours:  # else another project's setting
                    self.skip(f"{label}.rules", ours, "triggers the stack does not know", changes_preview=False)
                continue
            key = kept.get(int(setting["id"])) or unique(slug(name, f"teams-{setting['id']}"), taken)
            taken.add(key)
            self.teams_keys[int(setting["id"])] = key
            sections[key] = self._teams_section(key, name, setting, channels[0], found, ordered)
        return sections

    def _teams_section(
        self,
        key: str,
        name: str,
        setting: dict[str, Any],
        channel: dict[str, Any],
        found: list[dict[str, Any]],
        ordered: list[tuple[str, int]],
    ) -> dict[str, Any]:
        where = f"notifications.{key}"
        kind = rules.NOTIFICATION_KINDS["msTeams"]
        section: dict[str, Any] = {"type": "msTeams"}
        section.update({camel(field): channel[field] for field in kind.fields})
        if name != key:
            section["name"] = name
        section.update(read_back(SETTING_FIELDS, setting))
        events: dict[str, list[str]] = {event: [] for event in EVENTS}
        for event, job in ordered:
            if self.job_keys[job] not in events[event]:
                events[event].append(self.job_keys[job])
        section.update({camel(event): keys for event, keys in events.items() if keys})
        dropped = [
            f"{rule.get('trigger_on')} {rule.get('job_id')}"
            for rule in found
            if rule.get("trigger_on") not in rules.SETTING_TRIGGERS.values()
            or not set(numbers([rule.get("job_id")])) & set(self.job_keys)
        ]
        if dropped:
            self.skip(
                f"{where}.rules",
                dropped,
                "triggers the stack does not know, or jobs outside this project: the first preview would drop them",
            )
        written = [(event, job) for event in EVENTS for job in events[event]]
        if [(event, self.job_keys[job]) for event, job in ordered] != written:
            self.skip(
                f"{where}.rules",
                [f"{rules.SETTING_TRIGGERS[event]} {job}" for event, job in ordered],
                "the provider compares the rules in order, and a stack writes them event by event (success, failure, "
                "cancel, warning), each list in its order, once: the first preview would reorder them",
            )
        if setting.get("is_active") is False:
            self.skip(
                f"{where}.is_active",
                False,
                "switched off: the provider switches it on whenever it writes the setting (notification_setting/"
                "resource.go modelToAPI sends is_active true)",
                changes_preview=False,
            )
        return section

    # -- model notifications ---------------------------------------------------------------------------------------

    def model_notifications(self, key: str, environment: dict[str, Any]) -> Optional[dict[str, Any]]:
        """The environment's `modelNotifications`, or None (left out with why when it has some the file cannot
        hold)."""
        answer = self.live.alerts.model_notifications.get(int(environment["id"]))
        if answer is None:
            return None
        where = f"environments.{key}.modelNotifications"
        events = read_back(MODEL_NOTIFICATION_FIELDS, answer)
        version = str(environment.get("dbt_version") or "")
        why = None
        if environment.get("type") != "deployment":
            why = "on a development environment: the stack sets them on deployment environments, where jobs run"
        elif version[:1].isdigit():
            why = (
                f"on dbt version {version}: the stack sets them on environments on a release track (docs.getdbt.com, "
                "Model notifications, prerequisites)"
            )
        elif not events:
            why = "switched on for no event: the stack sets them with at least one (onFailure, onWarning, ...)"
        if why is not None:
            self.skip(where, events or {"enabled": True}, why, changes_preview=False)
            return None
        self.model_notification_environments.add(int(environment["id"]))
        return events
