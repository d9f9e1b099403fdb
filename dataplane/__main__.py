"""``python -m dataplane`` is the same program as the ``konnectlite-dp`` console script."""

from dataplane.cli import main

raise SystemExit(main())
