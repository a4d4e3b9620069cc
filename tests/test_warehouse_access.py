"""Who keeps access to the warehouse: what the Databricks provider does with the list that the stack file can show.

terraform-provider-databricks `docs/resources/permissions.md:731-733` (SQL warehouses): "If a resource is changed and
no owner is specified, the currently authenticated principal would become the new owner of the warehouse". For an
adopted warehouse that moves ownership to whoever deploys: `synth check` warns. (Naming the deploying identity below
CAN_MANAGE fails at apply, `permissions/permission_definitions.go:122-138`, but the stack file does not say who deploys:
README only.)
"""

from __future__ import annotations

import shutil

from helpers import run_synth
from stack_config import raw_config, short_values

from settings import load_settings
from synth.render import PROJECT_ROOT

WAREHOUSE_ID = "0123456789abcdef"


def warnings_of(keep_access_for: dict) -> list[str]:
    values = short_values("prod")
    values["deploymentToken"] = "t0ken"
    values["importIds"] = {"warehouse": WAREHOUSE_ID}
    values["warehouse"]["keepAccessFor"] = keep_access_for
    return [str(w) for w in load_settings(raw_config(values)).warnings if w.path != "placeholders"]


def test_adopting_a_warehouse_without_an_owner_entry_is_warned_about():
    assert warnings_of({"group:data-engineers": "CAN_USE"}) == [
        f"warehouse.keepAccessFor: names no IS_OWNER of the adopted warehouse {WAREHOUSE_ID}: the Databricks provider "
        "then makes the identity that runs pulumi up its owner, and whoever owns it today loses that. To keep the "
        "owner, name them: keepAccessFor: {user:owner@example.com: IS_OWNER} (a user or service principal; a group "
        "cannot own a warehouse)"
    ]
    assert warnings_of({}) and "names no IS_OWNER" in warnings_of({})[0]


def test_adopting_a_warehouse_with_its_owner_named_is_not():
    assert warnings_of({"group:data-engineers": "CAN_USE", "user:owner@example.com": "IS_OWNER"}) == []


def test_a_created_warehouse_is_owned_by_its_creator_anyway():
    values = short_values("prod")
    values["deploymentToken"] = "t0ken"
    assert [w for w in load_settings(raw_config(values)).warnings if w.path != "placeholders"] == []


def test_synth_check_shows_the_warning(capsys, tmp_path):
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    stack_file = tmp_path / "Pulumi.prod.yaml"
    text = stack_file.read_text()
    stack_file.write_text(text + f'  dbtcloud-databricks:importIds:\n    warehouse: "{WAREHOUSE_ID}"\n')
    status, printed = run_synth(capsys, "check", "prod", "--project-dir", str(tmp_path))
    assert status == 0, printed
    assert "warning: warehouse.keepAccessFor: names no IS_OWNER of the adopted warehouse" in printed
