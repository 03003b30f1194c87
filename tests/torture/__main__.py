"""``python -m tests.torture``: see :mod:`tests.torture.run`."""

from __future__ import annotations

import sys

from tests.torture.run import main

sys.exit(main())
