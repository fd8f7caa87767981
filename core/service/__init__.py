"""The service: what the command line, the desktop and a worker drive."""

from .exporting import ExportReport, export_proofs, export_zip
from .files import collect_files
from .importing import ProofImportError, import_proof
from .service import AmberService, StampRequest, build_header_source, file_meta
from .upgrader import Upgrader, UpgradeReport, UpgradeSchedule, calendar_whitelist

__all__ = [
    "AmberService",
    "ExportReport",
    "ProofImportError",
    "StampRequest",
    "UpgradeReport",
    "UpgradeSchedule",
    "Upgrader",
    "build_header_source",
    "calendar_whitelist",
    "collect_files",
    "export_proofs",
    "export_zip",
    "file_meta",
    "import_proof",
]
