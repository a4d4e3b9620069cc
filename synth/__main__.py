"""`python -m synth STACK [--json]`: show what a stack declares, offline, from its stack file.

Exit status: 0 rendered, 1 the stack config is invalid (the problems are printed), 2 bad usage or a
missing stack file.
"""

from __future__ import annotations

import argparse
import json
import sys

from settings import ConfigError

from .render import render
from .stackfile import StackFileError
from .tree import as_json, as_tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synth",
        description="Render a stack offline: run the real program under Pulumi mocks and print what it declares.",
    )
    parser.add_argument("stack", help="stack name: the X of Pulumi.X.yaml (e.g. prod, dev)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a tree")
    args = parser.parse_args(argv)
    try:
        rendering = render(args.stack)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(rendering), indent=2) if args.json else as_tree(rendering))
    return 0


if __name__ == "__main__":
    sys.exit(main())
