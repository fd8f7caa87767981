"""Settings: calendars and quorum, header sources, the data folder.

Saved to Amber's settings file (platform config folder, the one the command line reads), so the
window and `amber` share them. Command-line options and AMBER_* variables still win: a field
they set is shown read-only with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Any,
        parent: QWidget | None = None,
        *,
        settings_file: Path | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Amber — Settings")
        self.resize(620, 520)
        self.settings = settings
        self._file = settings_file
        self._env = dict(os.environ if environ is None else environ)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Amber sends only salted fingerprints to the calendars below. Changes take effect "
            "the next time Amber starts."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.calendars = QPlainTextEdit("\n".join(settings.calendars))
        self.calendars.setPlaceholderText("One calendar URL per line")
        self.calendars.setMaximumHeight(110)
        form.addRow("Calendars", self.calendars)
        self.min_calendars = QSpinBox()
        self.min_calendars.setRange(1, 20)
        self.min_calendars.setValue(int(settings.min_calendars))
        self.min_calendars.setSuffix(" calendar(s) must accept a stamp")
        form.addRow("Quorum", self.min_calendars)
        self.esplora = QPlainTextEdit("\n".join(settings.esplora))
        self.esplora.setPlaceholderText("Esplora API URLs, one per line (to check Bitcoin blocks)")
        self.esplora.setMaximumHeight(80)
        form.addRow("Esplora servers", self.esplora)
        self.bitcoin_node = QLineEdit(settings.bitcoin_node or "")
        self.bitcoin_node.setPlaceholderText("http://user:password@127.0.0.1:8332")
        form.addRow("Bitcoin node", self.bitcoin_node)
        folder_row = QHBoxLayout()
        self.data_dir = QLineEdit(str(settings.data_dir))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(browse)
        form.addRow("Data folder", folder_row)

        self.overridden = self._mark_overrides()
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #b33;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.saved_to: Path | None = None

    def _mark_overrides(self) -> dict[str, str]:
        try:
            from amber.core.settings import ENVIRONMENT
        except ImportError:
            return {}
        widgets = {
            "calendars": self.calendars,
            "min_calendars": self.min_calendars,
            "esplora": self.esplora,
            "bitcoin_node": self.bitcoin_node,
            "data_dir": self.data_dir,
        }
        overridden = {}
        for variable, name in ENVIRONMENT.items():
            if self._env.get(variable) and name in widgets:
                widgets[name].setEnabled(False)
                widgets[name].setToolTip(f"Set by the environment variable {variable}")
                overridden[name] = variable
        return overridden

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Amber data folder", self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)

    def values(self) -> dict[str, Any]:
        return {
            "calendars": _lines(self.calendars.toPlainText()),
            "min_calendars": self.min_calendars.value(),
            "esplora": _lines(self.esplora.toPlainText()),
            "bitcoin_node": self.bitcoin_node.text().strip() or None,
            "data_dir": self.data_dir.text().strip(),
        }

    def save(self) -> None:
        from amber.core.settings import (
            Settings,
            SettingsError,
            default_settings_file,
            read_settings_file,
            write_settings_file,
        )

        target = self._file or default_settings_file()
        try:
            stored = read_settings_file(target)
            changes = {k: v for k, v in self.values().items() if k not in self.overridden}
            stored.update(changes)
            if stored.get("bitcoin_node") is None:
                stored.pop("bitcoin_node", None)
            new = Settings.from_mapping(stored)
        except (SettingsError, ValueError) as error:
            self.error.setText(str(error))
            return
        self.saved_to = write_settings_file(new, target)
        self.accept()
