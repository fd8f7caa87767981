"""The look: a light, calm palette with an amber accent."""

from __future__ import annotations

ACCENT = "#e8930c"

STYLE_SHEET = f"""
QMainWindow {{ background: #fbfaf7; }}
QToolBar#mainToolbar {{
    background: #fbfaf7; border: none; border-bottom: 1px solid #e6e1d8;
    padding: 4px 8px; spacing: 4px;
}}
QToolBar#mainToolbar QToolButton {{
    padding: 5px 10px; border-radius: 5px; color: #3b3a36;
}}
QToolBar#mainToolbar QToolButton:hover {{ background: #f1ebe0; }}
QToolBar#mainToolbar QToolButton:disabled {{ color: #b7b2a8; }}
QLineEdit#search, QComboBox#stateFilter {{
    padding: 4px 8px; border: 1px solid #d9d3c7; border-radius: 5px; background: white;
    min-height: 20px;
}}
QLineEdit#search:focus {{ border-color: {ACCENT}; }}
QTableView#history {{
    background: white; alternate-background-color: #faf8f4; border: none;
    selection-background-color: #fbe3bd; selection-color: #2b2a27; gridline-color: #eee;
}}
QTableView#history::item {{ padding: 0 6px; }}
QHeaderView::section {{
    background: #f4f1ea; color: #5d5a53; border: none; border-bottom: 1px solid #e2dccf;
    border-right: 1px solid #ebe6dc; padding: 5px 6px; font-weight: 600;
}}
QStackedWidget[dropping="true"] {{ border: 2px dashed {ACCENT}; background: #fff6e6; }}
QWidget#emptyPage {{ background: #fbfaf7; }}
QLabel#emptyTitle {{ font-size: 20px; font-weight: 600; color: #3b3a36; padding: 8px; }}
QLabel#emptyText {{ color: #6d6a63; padding-bottom: 12px; }}
QFrame#progressPanel {{ background: #fff8ec; border: none; border-top: 1px solid #f0dfbf; }}
QLabel#progressSummary {{ font-weight: 600; color: #3b3a36; }}
QLabel#progressCurrent {{ color: #6d6a63; }}
QProgressBar {{ border: none; background: #f0e6d3; border-radius: 4px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QFrame#banner {{ background: #eef4fb; border-bottom: 1px solid #d5e3f3; }}
QFrame#banner[kind="warning"] {{ background: #fff4e0; border-bottom: 1px solid #f3d9a8; }}
QFrame#banner[kind="error"] {{ background: #fdecec; border-bottom: 1px solid #f2c4c4; }}
QStatusBar {{ background: #f4f1ea; color: #5d5a53; border-top: 1px solid #e2dccf; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QProgressBar#busyBar {{ max-height: 6px; min-width: 90px; }}
QLabel#offlineBadge {{
    background: #fdecec; color: #a33; border-radius: 4px; padding: 1px 8px;
}}
QPushButton {{
    padding: 5px 14px; border: 1px solid #d9d3c7; border-radius: 5px; background: white;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:default {{ background: {ACCENT}; color: white; border-color: #cf7f05; }}
QLabel#verdictHeadline {{ font-size: 17px; font-weight: 600; }}
QFrame#verdict {{ border-radius: 8px; padding: 10px; background: #f4f1ea; }}
QFrame#verdict[kind="attested"] {{ background: #e8f6ed; }}
QFrame#verdict[kind="pending"] {{ background: #fff4e0; }}
QFrame#verdict[kind="unchecked"] {{ background: #fff4e0; }}
QFrame#verdict[kind="mismatch"] {{ background: #fdecec; }}
QFrame#verdict[kind="invalid"] {{ background: #fdecec; }}
QFrame#dropArea {{ border: 2px dashed #d9d3c7; border-radius: 8px; background: #fbfaf7; }}
QFrame#dropArea[dropping="true"] {{ border-color: {ACCENT}; background: #fff6e6; }}
"""
