"""Verification: block headers, where they come from, and verdicts on proofs."""

from .header import BlockHeader, InvalidHeaderError, compact_to_target
from .sources import (
    AgreeingHeaderSource,
    CachedHeaderSource,
    EsploraHeaderSource,
    HeaderSource,
    HeaderSourceError,
    RpcHeaderSource,
)
from .verdict import Verdict, VerdictKind, hash_file_with, judge_timestamp, verify

__all__ = [
    "AgreeingHeaderSource",
    "BlockHeader",
    "CachedHeaderSource",
    "EsploraHeaderSource",
    "HeaderSource",
    "HeaderSourceError",
    "InvalidHeaderError",
    "RpcHeaderSource",
    "Verdict",
    "VerdictKind",
    "compact_to_target",
    "hash_file_with",
    "judge_timestamp",
    "verify",
]
