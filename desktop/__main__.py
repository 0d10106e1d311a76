"""`python -m desktop` runs the Boardpack command line (the same as `boardpack`)."""

import sys

from desktop.cli import main

sys.exit(main())
