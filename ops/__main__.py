"""Entry point: `python -m ops COMMAND ...` (see `--help`)."""

import sys

from .cli import main

sys.exit(main())
