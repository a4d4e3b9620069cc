"""Stack references as this project's state backend reads them.

The project keeps its state in a DIY ("self-managed") backend: `backend.url: file://~` in Pulumi.yaml, or the
s3://, azblob:// and gs:// buckets teams point PULUMI_BACKEND_URL at (docs/deploy.md, "Steps"), which are DIY backends
too. A DIY backend parses a stack reference as `<stack>`, `<org>/<stack>` or `<org>/<project>/<stack>` and
refuses any organisation but the literal `organization` ("organization name must be 'organization'":
pulumi/pulumi pkg/backend/diy/store.go, `projectReferenceStore.ParseReference`). Stack names are 1-100
characters of letters, digits, `-`, `_` and `.` (sdk/go/common/tokens/stack_name.go, `ParseStackName`).
Pulumi Cloud would accept a real organisation name here instead; the bare `<stack>` form works on both.
"""

from __future__ import annotations

import re
from typing import Optional

DIY_ORGANIZATION = "organization"
"""The only organisation a DIY backend knows."""

STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def stack_reference_problem(reference: str) -> Optional[str]:
    """Why a DIY backend would refuse `reference` (for `project.fromStack`), or None."""
    parts = reference.split("/")
    if len(parts) > 3:
        return (
            f"{reference!r} has {len(parts)} parts; a stack reference is <stack>, organization/<stack> or "
            "organization/<project>/<stack>"
        )
    if len(parts) > 1 and parts[0] != DIY_ORGANIZATION:
        return (
            f"{reference!r} names organization {parts[0]!r}: the self-managed (file://, s3://, azblob://, gs://) "
            f"backend this project keeps its state in knows only {DIY_ORGANIZATION!r} and refuses any other "
            f"(pulumi/pulumi pkg/backend/diy/store.go); write {DIY_ORGANIZATION}/{'/'.join(parts[1:])} "
            f"or just {parts[-1]}"
        )
    if not STACK_NAME.fullmatch(parts[-1]):
        return (
            f"{reference!r}: a stack name is 1-100 letters, digits, hyphens, underscores or periods, got {parts[-1]!r}"
        )
    return None
