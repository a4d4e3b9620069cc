"""What pulumiverse-time's `Rotating` (hashicorp/terraform-provider-time at commit 16bc819e, cited as
`time:<path>:<line>`) refuses, and the one rule of a stack reference."""

from __future__ import annotations

from ..type_tokens import ROTATING, STACK_REFERENCE
from .rule import Rule, between, custom, present, required

ROTATIONS = ("rotationDays", "rotationHours", "rotationMinutes", "rotationMonths", "rotationYears", "rotationRfc3339")

_AT_LEAST_ONE = {
    # Each period's schema attribute: `Validators: []validator.Int64{int64validator.AtLeast(1)}`.
    "rotationDays": "time:internal/provider/resource_time_rotating.go:92-94",
    "rotationHours": "time:internal/provider/resource_time_rotating.go:101-103",
    "rotationMinutes": "time:internal/provider/resource_time_rotating.go:110-112",
    "rotationMonths": "time:internal/provider/resource_time_rotating.go:119-121",
    "rotationYears": "time:internal/provider/resource_time_rotating.go:143-145",
}
"""Where the provider refuses a period below 1, at plan (`int64validator.AtLeast(1)`)."""


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
        *(between(key, 1, None, f"{source} (int64validator.AtLeast(1))") for key, source in _AT_LEAST_ONE.items()),
    ),
    STACK_REFERENCE: (required("name", "pulumi StackReference: the stack's name"),),
}
