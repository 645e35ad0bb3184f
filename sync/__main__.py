"""``python -m sync`` runs the ``productive-docs`` command."""

import sys

from sync.cli import main

sys.exit(main())
