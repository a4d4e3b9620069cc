"""What pulumiverse-time's `Rotating` (hashicorp/terraform-provider-time, cited as `time:<path>:<line>`) refuses, and
the one rule of a stack reference."""

from __future__ import annotations

from ..types import ROTATING, STACK_REFERENCE
from .rule import Rule, between, custom, present, required

ROTATIONS = ("rotationDays", "rotationHours", "rotationMinutes", "rotationMonths", "rotationYears", "rotationRfc3339")


OTHERS: dict[str, tuple[Rule, ...]] = {
    ROTATING: (
        custom(
            "rotationDays",
            "at least one of rotation_days, _hours, _minutes, _months, _years, _rfc3339",
            "time:internal/provider/resource_time_rotating.go:202-212",
            lambda i: (
                "none of " + ", ".join(ROTATIONS) + " is set" if not any(present(i, key) for key in ROTATIONS) else None
            ),
        ),
        *(
            between(key, 1, None, "time:internal/provider/resource_time_rotating.go:481-509 (0 adds nothing)")
            for key in ROTATIONS[:-1]
        ),
    ),
    STACK_REFERENCE: (required("name", "pulumi StackReference: the stack's name"),),
}
