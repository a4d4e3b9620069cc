"""`python -m synth diff STACK --base REF`: what a change does to a stack, offline, for people who know dbt.

Renders the stack as declared at git ref REF and as in the working tree, and compares them resource by
resource and input by input. Jobs are described the way dbt Cloud shows them (schedule in words and its
next runs, steps, triggers, chains, who is notified); replacements and deletions of protected resources
come first. Secrets are never shown: both renderings fingerprint them with a key made for this diff only,
so a changed secret reads "changed", and nothing more.
"""

from .compare import Change, DiffError, ResourceDiff, StackDiff, compare
from .format import as_dict, format_diff
from .source import CODE_PATHS, diff_stack, render_at, render_tree

__all__ = [
    "CODE_PATHS",
    "Change",
    "DiffError",
    "ResourceDiff",
    "StackDiff",
    "as_dict",
    "compare",
    "diff_stack",
    "format_diff",
    "render_at",
    "render_tree",
]
