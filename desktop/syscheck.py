"""Checks the system libraries a real display needs before `make run` opens a window.

Qt 6's xcb platform plugin links against X11 helper libraries that PySide6's
wheels do not ship (`libxcb-cursor0` and friends); without them Qt aborts with
a long, unhelpful message. We ask the dynamic linker (`ldd`) what the installed
plugin cannot find, and name the Debian packages that provide it.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

# shared library -> Debian package providing it
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
# used when ldd is not available: library stems ctypes can look up
FALLBACK = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
}


def _xcb_binaries() -> list[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    qt = Path(spec.origin).parent / "Qt"
    found = [qt / "plugins" / "platforms" / "libqxcb.so"]
    found += sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]
    return [p for p in found if p.exists()]


def missing_packages() -> list[str]:
    """Debian packages whose libraries Qt's xcb platform needs but cannot load."""
    if not sys.platform.startswith("linux"):
        return []
    binaries = _xcb_binaries()
    if not binaries or shutil.which("ldd") is None:
        return [p for lib, p in FALLBACK.items() if ctypes.util.find_library(lib) is None]
    missing: set[str] = set()
    for binary in binaries:
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "not found" in line:
                soname = line.split("=>")[0].strip()
                missing.add(DEBIAN_PACKAGES.get(soname, soname))
    return sorted(missing)


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
