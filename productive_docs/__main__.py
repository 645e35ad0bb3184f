"""``python -m productive_docs`` runs the ``productive-docs`` command."""

import sys

from productive_docs.sync.cli.main import main

sys.exit(main())
