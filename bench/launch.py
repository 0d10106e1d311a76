"""A small launcher that runs one command and reports its wall time and its own peak memory.

Linux carries a process's peak resident set across `fork` and `exec`: a child
started straight from the bench (which may hold hundreds of MB after
generating the large board) reports the bench's peak as its own. Started from
this launcher — a fresh, small Python — the measured process inherits only a
few MB, so its `ru_maxrss` (from `wait4`, which is per child, unlike
`RUSAGE_CHILDREN`) is its own. The launcher also times the child itself, so its
own start-up is not counted. Usage: `python -m bench.launch RESULT.json -- CMD...`;
the child's stdout is discarded, its stderr passes through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m bench.launch RESULT.json -- CMD...", file=sys.stderr)
        return 2
    result_path, command = argv[0], argv[2:]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    max_rss_mb: float | None = None
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        returncode = os.waitstatus_to_exitcode(status)
        proc.returncode = returncode
        max_rss_mb = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) / 1e6
    else:  # pragma: no cover (Windows)
        returncode = proc.wait()
        seconds = time.perf_counter() - start
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump({"seconds": seconds, "max_rss_mb": max_rss_mb, "returncode": returncode}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
