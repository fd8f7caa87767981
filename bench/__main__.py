"""`python -m bench [names...]`: run benchmarks, print a table, write bench/results/<name>.json."""

from __future__ import annotations

import sys

from .runner import main

sys.exit(main(sys.argv[1:]))
