"""Before Qt opens a window: a platform plugin this build has, and a clear message when the
display server cannot be used.

Qt ends the process with an abort (exit 134, a core dump) and a generic "no Qt platform plugin
could be initialized" when it cannot use the display; `explained_qt_start` turns that into one
line saying why and what to do, and exit 3. The frozen build has no native Wayland plugin (see
packaging/transfer-panel.spec): Wayland desktops run it through XWayland, so a
QT_QPA_PLATFORM=wayland set for the whole session falls back to xcb (`prefer_xwayland`).
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_NO_DISPLAY = 3  # like a configuration problem: the environment, not the panel, must change


def prefer_xwayland() -> str:
    """Add xcb as Qt's fallback when QT_QPA_PLATFORM asks for Wayland and this build has no
    Wayland plugin; a note for the log when it did, else ""."""
    requested = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or "wayland" not in requested or "xcb" in requested:
        return ""
    if _has_platform_plugin("wayland"):
        return ""
    os.environ["QT_QPA_PLATFORM"] = f"{requested};xcb"
    return f"QT_QPA_PLATFORM={requested}: this build has no Wayland plugin, so it runs through XWayland (xcb)"


def _has_platform_plugin(name: str) -> bool:
    from PySide6.QtCore import QLibraryInfo

    folders = [*os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep),
               QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)]
    return any(os.path.isdir(os.path.join(folder, "platforms")) and any(
        entry.startswith(f"libq{name}") for entry in os.listdir(os.path.join(folder, "platforms")))
        for folder in folders if folder)


@contextmanager
def explained_qt_start() -> Iterator[None]:
    """Around creating the QApplication: if Qt cannot use the display, print why and the fix
    (`why_qt_cannot_start`) and exit 3 instead of Qt's abort. Qt's other messages pass through."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    seen: list[str] = []

    def handler(kind, _context, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(f"error: {why_qt_cannot_start(seen)}", file=sys.stderr, flush=True)
            os._exit(EXIT_NO_DISPLAY)  # Qt aborts once this returns
        seen.append(message)
        print(message, file=sys.stderr, flush=True)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def why_qt_cannot_start(qt_messages: list[str]) -> str:
    """One line from what Qt said before giving up: the cause and what to do about it."""
    said = " ".join(qt_messages)
    requested = os.environ.get("QT_QPA_PLATFORM", "")
    first = next((message.strip() for message in qt_messages if "plugin" in message or "display" in message),
                 "no details")
    if "could not connect to display" in said:
        if not os.environ.get("DISPLAY"):
            return ("The panel cannot open a window: no X display is set (DISPLAY is empty). Start it "
                    "from a desktop session; Wayland desktops run it through XWayland, which sets DISPLAY. "
                    "`transfer-panel self-test` checks an installation without a screen.")
        return (f"The panel cannot open a window: the X display {os.environ['DISPLAY']!r} does not answer "
                "or does not let this user in (XAUTHORITY). Start it from the rep's own desktop session.")
    if "wl_display" in said:
        return ("The panel cannot open a window: QT_QPA_PLATFORM asks for Wayland and no Wayland "
                f"compositor answers (WAYLAND_DISPLAY={os.environ.get('WAYLAND_DISPLAY', '')!r}). "
                "Unset QT_QPA_PLATFORM to use X11 or XWayland.")
    if "Could not find the Qt platform plugin" in said:
        return (f"The panel cannot open a window: this build has no Qt platform plugin for "
                f"QT_QPA_PLATFORM={requested!r} ({first}). Unset QT_QPA_PLATFORM, or set it to xcb "
                "(Wayland desktops: XWayland); offscreen runs without a screen.")
    if "even though it was found" in said:
        return (f"The panel cannot open a window: a system library that Qt's platform plugin needs is "
                f"missing ({first}). Install the package's dependencies (Debian: libxcb-cursor0, "
                "libxkbcommon-x11-0, libegl1, libgl1, libfontconfig1); QT_DEBUG_PLUGINS=1 shows which one.")
    return (f"The panel cannot open a window: Qt could not start its platform plugin ({first}). "
            "QT_DEBUG_PLUGINS=1 shows why.")
