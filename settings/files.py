"""Read `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands them to the program.

The CLI passes every config value as text (structured values as JSON) under `namespace:key`, with
`Pulumi.yaml`'s declared defaults under the stack file's values, and tells the program which keys are
secret. Offline, encrypted (`secure:`) values cannot be decrypted: they become visible placeholders,
still marked secret, as do required secrets a committed stack file rightly leaves out.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

import yaml

from .config import RawConfig, secrets_needed

OFFLINE_SECRET = "offline-placeholder-secret"
"""What an encrypted or unset secret reads as offline (it is masked in every printout anyway)."""


class StackFileError(Exception):
    """A stack or project file is missing or unreadable."""


@dataclass
class StackFile:
    """One stack's config as the program would receive it."""

    project: str
    stack: str
    config: dict[str, str]
    secret_keys: set[str] = field(default_factory=set)
    placeholders: list[str] = field(default_factory=list)
    """Keys given an offline placeholder because the stack file has no clear-text value for them."""
    encrypted: list[str] = field(default_factory=list)
    """Where the stack file holds a ciphertext (`secure:`), as config paths (`secretEnvironmentVariables.X.prod`):
    set already, `pulumi up` decrypts them."""
    unset: list[str] = field(default_factory=list)
    """Secret keys the stack needs and its file leaves out: to set before deploying."""
    workspace_host: str = "dbc-00000000-0000.cloud.databricks.com"
    """The Databricks workspace host (from `databricks:host`), for realistic warehouse outputs."""


def project_name(root: Path) -> str:
    """The project's name, from `Pulumi.yaml`."""
    return _read_yaml(root / "Pulumi.yaml")["name"]


STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
"""The names the Pulumi CLI takes for a stack: ASCII letters, digits, `-`, `_` and `.`, 1 to 100 of them (pulumi/pulumi
sdk/go/common/tokens/names.go, `ParseStackName`)."""

STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
"""What a stack file holds besides comments (pulumi/pulumi sdk/go/common/workspace/project.go, `ProjectStack`). The CLI
ignores any other top-level key, so a misspelt `confg:` would deploy the stack with none of its settings."""


def stack_names(root: Path) -> list[str]:
    """The stacks that have a stack file in `root`, including files the Pulumi CLI would not read as one
    (`Pulumi.qa.yml`, `Pulumi.my stack.yaml`): those load as a `StackFileError` saying what to rename them to."""
    files = (path for pattern in STACK_FILE_GLOBS for path in root.glob(pattern))
    return sorted({path.name[len("Pulumi.") : -len(path.suffix)] for path in files})


STACK_FILE_GLOBS = ("Pulumi.*.yaml", "Pulumi.*.yml")


def stack_file_path(root: Path, stack: str) -> Path:
    """Where a stack's file lives: `Pulumi.<stack>.yaml`, the extension of `Pulumi.yaml` (pulumi/pulumi
    sdk/go/common/workspace/paths.go, `DetectProjectStackPath`)."""
    return root / f"Pulumi.{stack}.yaml"


def stack_name_problem(stack: str) -> Optional[str]:
    """Why the Pulumi CLI would refuse `stack` as a stack name, or None."""
    if STACK_NAME.fullmatch(stack):
        return None
    if not stack:
        return "a stack name may not be empty"
    if len(stack) > 100:
        return f"a stack name has at most 100 characters ({len(stack)} here)"
    position, bad = next((i, c) for i, c in enumerate(stack) if not STACK_NAME.fullmatch(c))
    return f"a stack name has only ASCII letters, digits, -, _ and . ({bad!r} at position {position})"


def stack_from_argument(text: str, root: Path) -> str:
    """A stack as a command line names it, read as `pulumi -s` reads it (`prod`, `org/prod`,
    `org/<project>/prod`) or as the stack file's path (`Pulumi.prod.yaml`)."""
    name = Path(text).name
    if re.fullmatch(r"Pulumi\.(.+)\.ya?ml", name):
        return name[len("Pulumi.") : -len(Path(name).suffix)]
    parts = text.split("/")
    if len(parts) == 3 and parts[1] != project_name(root):
        raise StackFileError(
            f"{text!r} names project {parts[1]!r}, but {root / 'Pulumi.yaml'} is project {project_name(root)!r}: "
            "give this project's stack, e.g. " + "/".join((parts[0], project_name(root), parts[2]))
        )
    return parts[-1] if len(parts) in (2, 3) else text


def load_stack_file(root: Path, stack: str, text: Optional[str] = None) -> StackFile:
    """A stack's config: `Pulumi.yaml` defaults, then the stack file's values over them. `text` stands for the stack
    file's content when it is not written yet (`ops adopt` checks what it would write)."""
    project_doc = _read_yaml(root / "Pulumi.yaml")
    project = project_doc["name"]
    path = stack_file_path(root, stack)
    if text is None and not path.exists() and not path.is_symlink():
        _refuse_unread_file(root, stack)
        known = stack_names(root)
        raise StackFileError(f"no stack file {path.name}; stacks here: {', '.join(known) or 'none'}")
    problem = stack_name_problem(stack)
    if problem:
        fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", stack).strip("-")[:100] or "qa"
        raise StackFileError(
            f"{path.name}: the Pulumi CLI cannot have a stack named {stack!r}: {problem}; rename the file, e.g. to "
            f"{stack_file_path(root, fixed).name}"
        )
    stack_doc = (_read_yaml(path) if text is None else _parse_yaml(text, path)) or {}
    _check_top_level(stack_doc, path)

    result = StackFile(project=project, stack=stack, config={})
    for key, declaration in (project_doc.get("config") or {}).items():
        full_key = key if ":" in key else f"{project}:{key}"
        default = declaration.get("default", declaration.get("value")) if isinstance(declaration, dict) else declaration
        if default is not None:
            result.config[full_key] = _as_text(default)
    for full_key, value in _namespaced(stack_doc.get("config") or {}, project, path).items():
        encrypted = list(_secure_paths(value, _shown_key(full_key, project), path))
        if encrypted:
            result.secret_keys.add(full_key)
            result.placeholders.append(full_key)
            result.encrypted.extend(encrypted)
            value = _strip_secure(value)
        result.config[full_key] = _as_text(value)
    for key in secrets_needed(RawConfig(result.config), project):
        full_key = f"{project}:{key}"
        if full_key not in result.config:
            result.config[full_key] = OFFLINE_SECRET
            result.secret_keys.add(full_key)
            result.placeholders.append(full_key)
            result.unset.append(key)
    host = str(result.config.get("databricks:host", ""))
    if host:
        result.workspace_host = host.removeprefix("https://").removeprefix("http://").rstrip("/")
    return result


def _refuse_unread_file(root: Path, stack: str) -> None:
    """A stack file the Pulumi CLI never reads (`Pulumi.qa.yml`): its stack would deploy without its settings."""
    unread = root / f"Pulumi.{stack}.yml"
    if unread.exists():
        raise StackFileError(
            f"{unread.name} is never read: the Pulumi CLI reads a stack's settings from Pulumi.<stack>.yaml (the "
            f"extension of Pulumi.yaml), so stack {stack!r} would deploy without them: rename it to "
            f"{stack_file_path(root, stack).name}"
        )


def _check_top_level(stack_doc: Any, path: Path) -> None:
    """The stack file is a mapping of the keys the CLI reads (see `STACK_FILE_KEYS`)."""
    if not isinstance(stack_doc, dict):
        raise StackFileError(f"{path.name}: a stack file is a mapping that starts with config: (found a list or text)")
    for key in stack_doc:
        if key not in STACK_FILE_KEYS:
            close = difflib.get_close_matches(str(key), STACK_FILE_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"a stack file holds {', '.join(STACK_FILE_KEYS)}"
            raise StackFileError(
                f"{path.name}: top-level key {key!r} is not read by the Pulumi CLI, so nothing under it would be "
                f"deployed: {hint}"
            )


def _shown_key(full_key: str, project: str) -> str:
    """A config key as `pulumi config set` takes it: this project's without its namespace."""
    return full_key.removeprefix(f"{project}:")


def set_secret_command(path: str, stack: str) -> str:
    """The command that stores a secret at a config path (`--path` for a value inside a map: without it the CLI would
    store the whole map as one text)."""
    flag = " --path" if "." in path.split(":")[-1] else ""
    return f"pulumi config set --secret{flag} {path} <value> -s {stack}"


YAML_11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
"""Words PyYAML (YAML 1.1) reads as booleans and YAML 1.2 readers (the Pulumi CLI's Go parser) may read as text."""


def ambiguous_words(root: Path, stack: str) -> list[tuple[int, str]]:
    """Unquoted YAML 1.1 boolean words in a stack file, as (line, word): read differently offline and by the CLI."""
    text = stack_file_path(root, stack).read_text(encoding="utf-8")
    # libyaml's scanner when PyYAML has it: the same tokens, ten times faster than PyYAML's own.
    return [
        (token.start_mark.line + 1, token.value)
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(token, yaml.ScalarToken) and token.plain and token.value.lower() in YAML_11_BOOLEANS
    ]


def _namespaced(config: Any, project: str, path: Path) -> dict[str, Any]:
    """The stack file's `config:` with every key as `namespace:name`, as the CLI reads it.

    A key without a namespace belongs to the project: `cost:` is `<project>:cost` (pulumi/pulumi
    sdk/go/common/workspace/loaders.go, `stackConfigNamespacedWithProject`, called by `LoadProjectStackBytes`).
    The legacy `<namespace>:config:<name>` form is `<namespace>:<name>`, and any other key with more colons is
    refused (sdk/go/common/resource/config/key.go, `ParseKey`). When one key is written both ways the CLI
    keeps whichever its map iteration (random in Go) visits last, so either value may be deployed: refused.
    """
    if not isinstance(config, dict):
        raise StackFileError(f"{path.name}: config must be a mapping of keys to values")
    result: dict[str, Any] = {}
    written: dict[str, str] = {}
    for key, value in config.items():
        full_key = _parse_key(key, project, path)
        if full_key in result:
            raise StackFileError(
                f"{path.name}: config keys {written[full_key]!r} and {key!r} are the same setting {full_key!r} "
                f"(a key without a namespace belongs to project {project!r}); the Pulumi CLI would take either "
                "one at random: keep one"
            )
        result[full_key] = value
        written[full_key] = str(key)
    return result


def _parse_key(key: Any, project: str, path: Path) -> str:
    """`name` -> `<project>:name`; `ns:name` as is; `ns:config:name` -> `ns:name`; anything else refused."""
    text = str(key)
    parts = text.split(":")
    if isinstance(key, str) and len(parts) == 1:
        return f"{project}:{text}"
    if isinstance(key, str) and len(parts) == 2:
        return text
    if isinstance(key, str) and len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    raise StackFileError(
        f"{path.name}: could not parse {text!r} as a configuration key (configuration keys "
        "should be of the form `<namespace>:<name>`, or `<name>` for this project's)"
    )


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark, as editors on Windows write, is fine
    except FileNotFoundError:
        if path.is_symlink():
            raise StackFileError(f"{path.name} is a link to a file that does not exist") from None
        raise StackFileError(f"{path.name} not found in {path.parent}") from None
    except IsADirectoryError:
        raise StackFileError(f"{path.name} is a folder, not a file: move it out of the project's folder") from None
    except PermissionError:
        raise StackFileError(f"{path.name} cannot be read (permission denied)") from None
    except UnicodeDecodeError as error:
        raise StackFileError(
            f"{path.name} is not UTF-8 text (byte {error.start}): save it as UTF-8, as the Pulumi CLI reads it"
        ) from None
    if len(text) > PARSED_TEXT_LIMIT:
        return _parse_yaml(text, path)
    # A copy, never the cached document itself: callers may change what they get.
    return copy.deepcopy(_parsed_yaml(text, path))


PARSED_TEXT_LIMIT = 64_000
"""Files up to this size are parsed once per process (`_parsed_yaml`). Every loader reads `Pulumi.yaml`, and each
stack's loader reads the stack files beside it: the tests and `synth check` read the same few files thousands of
times, and copying a document takes a tenth of parsing it. A larger file (a stack of a thousand jobs) is read once,
and a cache would only keep it alive."""


@lru_cache(maxsize=64)
def _parsed_yaml(text: str, path: Path) -> Any:
    return _parse_yaml(text, path)


class CliYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as the Pulumi CLI reads it (Go's yaml.v3, YAML 1.2): only true and false (any case of the first letter, or
    all capitals) are booleans; `yes`, `no`, `on` and `off` are text. libyaml's parser when PyYAML has it (the wheels
    do): ten times faster on large stacks."""

    yaml_implicit_resolvers = {
        first: [resolver for resolver in resolvers if resolver[0] != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


CliYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

MAX_NODES = 1_000_000
"""More nodes than any stack file has once its aliases are expanded: past it, a few lines of aliases would take the
machine's memory. Go's yaml.v3 refuses such a document too ("document contains excessive aliasing", decode.go)."""


def _parse_yaml(text: str, path: Path) -> Any:
    # The document is composed into nodes first (what `yaml.load` does anyway) so that duplicate keys and aliases
    # can be checked on the way.
    loader = CliYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_duplicate_keys(node, path)
        _refuse_alias_bombs(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise StackFileError(yaml_error_message(path, text, error)) from None
    finally:
        loader.dispose()


YAML_HINTS = (
    (
        "mapping values are not allowed",
        "a key is indented unlike the keys beside it, or a value holds ': ' (line the keys up, or quote the value)",
    ),
    ("cannot start any token", "YAML indents with spaces, not tabs; a value starting with @ or ` must be quoted"),
    ("could not find expected ':'", "a key is missing its ':', or a quote opened earlier is not closed"),
    ("did not find expected key", "an entry is indented unlike the ones beside it"),
    ("did not find expected '-'", "a list item is indented unlike the ones beside it"),
    ("while scanning a quoted scalar", "a quote is not closed"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("found undefined alias", "a value starting with * must be quoted"),
    ("while scanning an alias", "a value starting with * must be quoted (a cron like */15 * * * *: quote it)"),
    ("while scanning an anchor", "a value starting with & must be quoted"),
)
"""The likely fix for the parser's commonest complaints."""


def yaml_error_message(path: Path, text: str, error: yaml.YAMLError) -> str:
    """A YAML syntax error as `file:line:column: problem`, the line itself, and the likely fix."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = " ".join(
        str(part) for part in (getattr(error, "context", None), getattr(error, "problem", None)) if part
    ) or str(error)
    if mark is None:
        return f"{path.name}: not valid YAML: {problem}"
    lines = text.splitlines()
    shown = lines[mark.line] if mark.line < len(lines) else ""
    hint = next((fix for fragment, fix in YAML_HINTS if fragment in problem), None)
    if "did not find expected key" in problem and re.search(r"""\S\s*[{"']|["'}]\s*\S""", shown.split(": ", 1)[-1]):
        hint = "a value with quotes or braces part-way (or text after a closing quote) must be quoted as a whole"
    return (
        f"{path.name}:{mark.line + 1}:{mark.column + 1}: not valid YAML: {problem}\n"
        f"    {shown}\n    {' ' * mark.column}^" + (f"\n  likely: {hint}" if hint else "")
    )


def _refuse_duplicate_keys(root: yaml.Node, path: Path) -> None:
    """Refuse a key given twice in one mapping, which PyYAML would silently resolve to the last value.

    The Pulumi CLI reads project and stack files with gopkg.in/yaml.v3 (pulumi/pulumi
    sdk/go/common/encoding/marshal.go), whose decoder refuses them: "mapping key %#v already defined at line
    %d" (go-yaml/yaml v3 decode.go, `decoder.mapping`, keys compared by their text).
    """
    pending: list[yaml.Node] = [root]
    checked: set[int] = set()  # an alias repeats a node already checked
    while pending:
        node = pending.pop()
        if node.id == "scalar" or id(node) in checked:
            continue
        checked.add(id(node))
        if node.id == "sequence":
            pending.extend(reversed(node.value))  # depth first, in file order: the first duplicate is reported
            continue
        keys: dict[str, yaml.Node] = {}
        for key, _value in node.value:
            if key.id == "scalar":
                if key.value in keys:
                    where = _key_path(root, node)
                    raise StackFileError(
                        f"{path.name} line {key.start_mark.line + 1}: key {key.value!r}"
                        f"{f' under {where}' if where else ''} is already defined at line "
                        f"{keys[key.value].start_mark.line + 1}; the Pulumi CLI refuses duplicate keys (PyYAML "
                        "would keep the last one silently): keep one"
                    )
                keys[key.value] = key
        pending.extend(reversed([value for _, value in node.value]))


def _refuse_alias_bombs(root: yaml.Node, path: Path) -> None:
    """Refuse a document whose aliases expand to more than `MAX_NODES` nodes (each node's size counted once)."""
    sizes: dict[int, int] = {}
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        if id(node) in sizes:
            continue
        children = (
            [] if node.id == "scalar" else node.value if node.id == "sequence" else [n for kv in node.value for n in kv]
        )
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(child), 1) for child in children)
            if sizes[id(node)] > MAX_NODES:
                raise StackFileError(
                    f"{path.name}: its aliases (*name) expand to more than {MAX_NODES:,} values: the Pulumi CLI "
                    "refuses such a document (excessive aliasing); write the values out"
                )
            continue
        pending.append((node, True))
        pending.extend((child, False) for child in children if id(child) not in sizes)


def _key_path(root: yaml.Node, target: yaml.Node) -> str:
    """Where `target` sits under `root`, as `config.ns:key[0].name` (found again only to word an error)."""
    pending: list[tuple[yaml.Node, str]] = [(root, "")]
    visited: set[int] = set()  # aliases may even make a node its own descendant
    while pending:
        node, where = pending.pop()
        if node is target:
            return where
        if id(node) in visited:
            continue
        visited.add(id(node))
        if node.id == "mapping":
            pending.extend((value, f"{where}.{key.value}" if where else str(key.value)) for key, value in node.value)
        elif node.id == "sequence":
            pending.extend((item, f"{where}[{index}]") for index, item in enumerate(node.value))
    return ""


def _as_text(value: Any) -> str:
    """How the Pulumi CLI passes a config value: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _secure_paths(value: Any, where: str, path: Path) -> Iterator[str]:
    """The config paths under `where` holding a ciphertext; an empty or non-text `secure:` is refused (there is
    nothing the CLI could decrypt)."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            if not isinstance(value["secure"], str) or not value["secure"].strip():
                raise StackFileError(
                    f"{path.name}: {where}: secure: holds no ciphertext ({value['secure']!r}); set the secret with "
                    f"{set_secret_command(where, path.name[len('Pulumi.') : -len(path.suffix)])}, which writes it"
                )
            yield where
            return
        for key, item in value.items():
            yield from _secure_paths(item, f"{where}.{key}", path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secure_paths(item, f"{where}[{index}]", path)


def _strip_secure(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            # Derived from the ciphertext (public, it is committed) so that a re-set secret reads differently.
            return f"{OFFLINE_SECRET}-{hashlib.sha256(str(value['secure']).encode()).hexdigest()[:12]}"
        return {key: _strip_secure(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_secure(item) for item in value]
    return value
