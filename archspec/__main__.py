"""``python -m archspec``: the same as the ``archspec`` command."""

import sys

from archspec.cli import main

sys.exit(main())
