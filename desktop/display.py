"""Tell whether a window can be shown here, before Qt gets a chance to abort."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

# Platforms that draw without a display server (tests, screenshots, VNC, framebuffers).
_HEADLESS_OK = {"offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay", "minimalegl"}

NO_DISPLAY_MESSAGE = (
    "Amber cannot open its window because there is no graphical display here; "
    "use the command line instead, for example `amber --help` or `amber stamp FILE`."
)


def _requested_platform(env: Mapping[str, str], argv: Sequence[str]) -> str:
    args = list(argv)
    for i, arg in enumerate(args):
        if arg in ("-platform", "--platform") and i + 1 < len(args):
            return args[i + 1].split(":", 1)[0].lower()
        if arg.startswith("-platform="):
            return arg.split("=", 1)[1].split(":", 1)[0].lower()
    return env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip().lower()


def no_display_reason(
    env: Mapping[str, str] | None = None,
    argv: Sequence[str] = (),
    platform: str | None = None,
) -> str | None:
    """Return why no window can be shown, or None when one can.

    Only X11/Wayland systems need a display server; Windows and macOS always have one.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    requested = _requested_platform(env, argv)
    if requested in _HEADLESS_OK:
        return None
    has_x = bool(env.get("DISPLAY"))
    has_wayland = bool(env.get("WAYLAND_DISPLAY"))
    if requested == "xcb" and not has_x:
        return "QT_QPA_PLATFORM is xcb but DISPLAY is not set"
    if requested.startswith("wayland") and not has_wayland:
        return "QT_QPA_PLATFORM is wayland but WAYLAND_DISPLAY is not set"
    if not requested and not (has_x or has_wayland):
        return "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return None
