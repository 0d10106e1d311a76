"""Checks the system libraries a real display needs before `make run` opens a window.

Qt 6's xcb platform plugin needs `libxcb-cursor0` (and friends) on Linux; without
them Qt aborts with a long, unhelpful message. We look first and say which
Debian packages to install.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# library soname stem -> Debian package providing it
LINUX_DISPLAY_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
}


def missing_packages() -> list[str]:
    """Debian packages whose libraries the xcb platform needs but cannot be found."""
    if not sys.platform.startswith("linux"):
        return []
    return [pkg for lib, pkg in LINUX_DISPLAY_LIBS.items() if ctypes.util.find_library(lib) is None]


def main() -> int:
    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal"}:
        return 0
    missing = missing_packages()
    if missing:
        print(
            "Boardpack needs these system packages to open a window: "
            + " ".join(missing)
            + f"\n  install them with: sudo apt install {' '.join(missing)}",
            file=sys.stderr,
        )
        return 1
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        print(
            "No display found (DISPLAY/WAYLAND_DISPLAY unset). Run on a desktop session, "
            "or set QT_QPA_PLATFORM=offscreen for a headless run.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
