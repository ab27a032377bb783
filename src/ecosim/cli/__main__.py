"""``python -m ecosim.cli``: the ``ecosim`` command."""

import sys

from .main import main

sys.exit(main())
