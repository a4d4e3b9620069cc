"""Keys of a stack file made from names dbt Cloud shows (`Täglicher Lauf` -> `taglicher-lauf`), unique in their
section."""

from __future__ import annotations

import re
import unicodedata


def slug(name: str, fallback: str) -> str:
    """A key from a name: ASCII letters and digits joined by hyphens (`Täglicher Lauf` -> `taglicher-lauf`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    return "-".join(words) or fallback


def unique(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}-{number}", number + 1
    taken.add(candidate)
    return candidate
