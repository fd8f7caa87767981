"""Start the desktop app: `amber` with no command calls run_app(options, argv)."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from .display import NO_DISPLAY_MESSAGE, no_display_reason

log = logging.getLogger(__name__)

APP_NAME = "Amber"
ORGANIZATION = "Amber"
ORGANIZATION_DOMAIN = "amber.local"
EXIT_NO_DISPLAY = 2
EXIT_BAD_SETTINGS = 2


def run_app(settings_overrides: Mapping[str, Any] | None, argv: Sequence[str]) -> int:
    """Open the main window on the history chosen by options > environment > settings file.

    Returns the process exit code: 0 after a normal close, 2 when no window can be shown here
    or the settings are unusable.
    """
    reason = no_display_reason(argv=argv)
    if reason is not None:
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        log.debug("no display: %s", reason)
        return EXIT_NO_DISPLAY

    from amber.core.service import AmberService
    from amber.core.settings import Settings, SettingsError
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .main_window import MainWindow
    from .resources import app_icon

    configure_threads()
    app = QApplication.instance() or QApplication([argv[0] if argv else "amber"])
    configure_application(app)
    app.setWindowIcon(app_icon())
    try:
        settings = Settings.load(dict(settings_overrides or {}))
        service = AmberService(settings)
    except (SettingsError, OSError) as error:
        print(f"amber: {error}", file=sys.stderr)
        QMessageBox.critical(None, "Amber cannot start", str(error))
        return EXIT_BAD_SETTINGS
    try:
        service.start()
        window = MainWindow(service)
        window.show()
        QTimer.singleShot(FREEZE_AFTER_MS, freeze_startup_objects)
        code = app.exec()
        window.shutdown()
        return int(code)
    finally:
        service.close()


GIL_SWITCH_INTERVAL = 0.0005
FREEZE_AFTER_MS = 1500  # once the window is up and the history's first page is shown


def configure_threads() -> None:
    """Let the GUI thread get the GIL back quickly from busy workers.

    Every cell Qt paints is a Python call that must take the GIL; with the default 5 ms switch
    interval, workers hashing and writing can make one repaint wait hundreds of milliseconds.
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def freeze_startup_objects() -> None:
    """Keep the objects made at startup (modules, Qt wrappers, SQLAlchemy tables) out of the
    garbage collector's full passes.

    A full pass runs on whichever thread happens to allocate, holding the GIL: on a hashing
    worker it walked every startup object and froze the window for 70-180 ms. Frozen, a pass
    only walks what was made since.
    """
    gc.collect()
    gc.freeze()


def configure_application(app: Any) -> None:
    """Names that QSettings and QStandardPaths use to pick the platform's folders."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain(ORGANIZATION_DOMAIN)
    app.setDesktopFileName("amber")
    app.setQuitOnLastWindowClosed(True)
