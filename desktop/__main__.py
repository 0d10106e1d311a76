"""`python -m desktop` runs the Boardpack command line (the same as `boardpack`).

A run with `--quit-when-loaded` (the bench's and the smoke tests' start to the
dashboard with its data) ends the process as soon as the app returns — its
window and database closed, the logs and output flushed — without the
interpreter's teardown of every module and Qt object it loaded (0.2-0.4 s here,
nothing a user waits for on the way to the dashboard), so that a run timed
whole measures start-up, not shut-down.
"""

import sys

from desktop.cli import main

code = main()
if "--quit-when-loaded" in sys.argv[1:]:
    import logging
    import os

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
