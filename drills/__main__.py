"""`python -m drills [names...]`: run the drills, print one table, write drills/results/*.json."""

from __future__ import annotations

import sys

from .runner import main

sys.exit(main(sys.argv[1:]))
