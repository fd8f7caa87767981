"""Reading, writing and describing ``.ots`` proofs, with plain-English reasons for every failure.

Parsing is done by python-opentimestamps; this module puts a fence around it: a size cap before
parsing, bounded integers, a cap on the number of operations, and a translation of every library
exception into a :class:`ProofError` that says what is wrong with the file.
"""

from __future__ import annotations

from opentimestamps.core.dubious.notary import EthereumBlockHeaderAttestation
from opentimestamps.core.notary import (
    BitcoinBlockHeaderAttestation,
    LitecoinBlockHeaderAttestation,
    PendingAttestation,
    TimeAttestation,
    UnknownAttestation,
)
from opentimestamps.core.op import CryptOp, MsgValueError, Op
from opentimestamps.core.serialize import (
    BytesDeserializationContext,
    BytesSerializationContext,
    DeserializationError,
    RecursionLimitError,
    TrailingGarbageError,
    TruncationError,
)
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

MAX_PROOF_BYTES = 1 << 20  # real proofs are a few kilobytes
MAX_PROOF_NODES = 10_000  # operations + attestations; bounds memory (each result is <= 4 KiB)
MAX_VARUINT_BYTES = 9  # 63 bits: every honest number in a proof (lengths, heights) fits
MAX_BLOCK_HEIGHT = (1 << 63) - 1
MAX_NESTING = 256  # python-opentimestamps' own recursion limit for timestamps
MAX_OP_RESULT = Op.MAX_RESULT_LENGTH

_MAGIC = DetachedTimestampFile.HEADER_MAGIC
_SUPPORTED_MAJOR = DetachedTimestampFile.MAJOR_VERSION


class ProofError(ValueError):
    """A proof that cannot be read, with the reason in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _TooManyNodes(DeserializationError):
    pass


class _NumberTooLarge(DeserializationError):
    pass


class _FencedContext(BytesDeserializationContext):
    """A deserialization context with bounded integers, a node budget and a position."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.size = len(data)
        self.nodes = 0
        self.truncated = False  # set when the proof itself (not a nested payload) ran out

    def fd_read(self, length: int) -> bytes:
        try:
            return bytes(super().fd_read(length))
        except TruncationError:
            self.truncated = True
            raise

    @property
    def position(self) -> int:
        return int(self.fd.tell())

    def read_varuint(self) -> int:
        value = 0
        for i in range(MAX_VARUINT_BYTES):
            byte = self.fd_read(1)[0]
            value |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                return value
        raise _NumberTooLarge(f"a number at byte {self.position} is longer than 63 bits")

    def read_bytes(self, expected_length: int | None = None) -> bytes:
        if expected_length == 1:  # every operation and attestation starts with a 1-byte tag
            self.nodes += 1
            if self.nodes > MAX_PROOF_NODES:
                raise _TooManyNodes(f"more than {MAX_PROOF_NODES} operations and attestations")
        return bytes(super().read_bytes(expected_length))


def read_proof(data: bytes) -> DetachedTimestampFile:
    """Parse a serialized ``.ots`` file; every failure raises :class:`ProofError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProofError(f"a proof must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_PROOF_BYTES:
        raise ProofError(
            f"the file is {len(data)} bytes, larger than the {MAX_PROOF_BYTES} bytes "
            "any real proof needs; it was not read"
        )
    if not data:
        raise ProofError("the file is empty, not an OpenTimestamps proof")
    ctx = _FencedContext(data)
    file_hash_op, digest = _read_header(ctx, data)
    try:
        timestamp = Timestamp.deserialize(ctx, digest, _recursion_limit=MAX_NESTING)
    except RecursionError:
        raise ProofError("the proof is nested too deeply to be read") from None
    except Exception as error:
        raise ProofError(_explain(error, ctx)) from None
    if ctx.position != ctx.size:
        extra = ctx.size - ctx.position
        raise ProofError(
            f"{extra} unexpected byte{'s' if extra != 1 else ''} after the end of the proof "
            f"(from byte {ctx.position})"
        )
    _check_attestations(timestamp)
    return DetachedTimestampFile(file_hash_op, timestamp)


def read_timestamp(data: bytes, msg: bytes, *, max_bytes: int = MAX_PROOF_BYTES) -> Timestamp:
    """Parse a bare serialized timestamp for ``msg`` (a calendar answer); failures: ProofError."""
    data = bytes(data)
    if len(data) > max_bytes:
        raise ProofError(f"the timestamp is {len(data)} bytes, more than {max_bytes}")
    if not data:
        raise ProofError("the timestamp is empty")
    if not isinstance(msg, bytes) or not 0 < len(msg) <= MAX_OP_RESULT:
        raise ValueError(f"a timestamp's message must be 1 to {MAX_OP_RESULT} bytes")
    ctx = _FencedContext(data)
    try:
        timestamp = Timestamp.deserialize(ctx, msg, _recursion_limit=MAX_NESTING)
    except RecursionError:
        raise ProofError("the timestamp is nested too deeply to be read") from None
    except Exception as error:
        raise ProofError(_explain(error, ctx)) from None
    if ctx.position != ctx.size:
        raise ProofError(
            f"{ctx.size - ctx.position} unexpected bytes after the end of the timestamp "
            f"(from byte {ctx.position})"
        )
    _check_attestations(timestamp)
    return timestamp


def _read_header(ctx: _FencedContext, data: bytes) -> tuple[CryptOp, bytes]:
    if not data.startswith(_MAGIC):
        if _MAGIC.startswith(data):
            raise ProofError("the file is cut short inside the OpenTimestamps header")
        raise ProofError("not an OpenTimestamps proof: the file does not start with its header")
    ctx.fd.seek(len(_MAGIC))
    try:
        major = ctx.read_varuint()
    except TruncationError:
        raise ProofError("the file is cut short right after the header") from None
    except _NumberTooLarge:
        raise ProofError("the proof's version number is absurdly large") from None
    if major != _SUPPORTED_MAJOR:
        raise ProofError(
            f"unsupported proof format version {major} (Amber reads version {_SUPPORTED_MAJOR})"
        )
    tag = ctx.fd.read(1)
    if not tag:
        raise ProofError("the file is cut short before its file hash operation")
    op_class = CryptOp.SUBCLS_BY_TAG.get(tag)
    if op_class is None:
        known = Op.SUBCLS_BY_TAG.get(tag)
        if known is not None:
            raise ProofError(
                f"the file hash operation is {known.TAG_NAME} (tag 0x{tag.hex()}), "
                "which is not a hash function"
            )
        raise ProofError(f"unknown file hash operation tag 0x{tag.hex()}")
    file_hash_op = op_class()
    length = int(op_class.DIGEST_LENGTH)
    digest = ctx.fd.read(length)
    if len(digest) != length:
        raise ProofError(
            f"the file digest is cut short: {op_class.TAG_NAME} needs {length} bytes, "
            f"the file has {len(digest)}"
        )
    return file_hash_op, digest


def _explain(error: Exception, ctx: _FencedContext) -> str:
    at = f" (at byte {ctx.position})"
    if isinstance(error, _TooManyNodes):
        return f"the proof has too many parts: {error}"
    if isinstance(error, _NumberTooLarge):
        return str(error)
    if isinstance(error, RecursionLimitError):
        return f"the proof is nested too deeply (more than {MAX_NESTING} levels)"
    if isinstance(error, TruncationError):
        if ctx.truncated:
            return "the proof is cut short: it ends in the middle of an operation or attestation"
        return "an attestation's payload is cut short" + at
    if isinstance(error, TrailingGarbageError):
        return "an attestation's payload has unexpected extra bytes" + at
    cause = error.__context__
    if isinstance(cause, MsgValueError):
        if "too long" in str(cause):
            return f"an operation's result would be longer than {MAX_OP_RESULT} bytes" + at
        return f"an operation cannot be applied to its message: {cause}" + at
    text = str(error)
    if isinstance(error, DeserializationError):
        if text.startswith("Unknown") and "tag 0x" in text:
            tag = text.rsplit("0x", 1)[1]
            return f"unknown operation tag 0x{int(tag, 16):02x}" + at
        if "varbytes max length exceeded" in text:
            return "a length field is larger than allowed" + at
        if "varbytes min length" in text:
            return "an operation has an empty argument" + at
        if text.startswith("Invalid URI"):
            return "a pending attestation has an invalid calendar URL" + at
        return f"malformed proof: {text}" + at
    return f"malformed proof ({type(error).__name__}: {text})" + at


def _check_attestations(timestamp: Timestamp) -> None:
    for _msg, attestation in iter_attestations(timestamp):
        height = getattr(attestation, "height", None)
        if isinstance(height, int) and height > MAX_BLOCK_HEIGHT:
            raise ProofError("an attestation names an absurdly large block height")


def iter_attestations(timestamp: Timestamp) -> list[tuple[bytes, TimeAttestation]]:
    """Every (message, attestation) of the tree, depth first, in serialization order."""
    found: list[tuple[bytes, TimeAttestation]] = []
    stack = [timestamp]
    while stack:
        node = stack.pop()
        found.extend((node.msg, a) for a in sorted(node.attestations))
        children = [child for _op, child in sorted(node.ops.items(), key=lambda item: item[0])]
        stack.extend(reversed(children))
    return found


def write_proof(proof: DetachedTimestampFile) -> bytes:
    """Serialize a proof to the standard ``.ots`` bytes."""
    ctx = BytesSerializationContext()
    proof.serialize(ctx)
    return bytes(ctx.getbytes())


def write_timestamp(timestamp: Timestamp) -> bytes:
    """Serialize a bare timestamp (no header, no file digest): the inverse of read_timestamp."""
    ctx = BytesSerializationContext()
    timestamp.serialize(ctx)
    return bytes(ctx.getbytes())


def describe_attestation(attestation: TimeAttestation) -> str:
    """One line for an attestation, e.g. ``Bitcoin block 358391``."""
    if isinstance(attestation, PendingAttestation):
        return f"pending at calendar {attestation.uri}"
    if isinstance(attestation, BitcoinBlockHeaderAttestation):
        return f"Bitcoin block {attestation.height}"
    if isinstance(attestation, LitecoinBlockHeaderAttestation):
        return f"Litecoin block {attestation.height} (not trusted by Amber)"
    if isinstance(attestation, EthereumBlockHeaderAttestation):
        return f"Ethereum block {attestation.height} (not trusted by Amber)"
    if isinstance(attestation, UnknownAttestation):
        return (
            f"unknown attestation, tag {attestation.TAG.hex()}, "
            f"payload {attestation.payload.hex() or '(empty)'}"
        )
    return f"attestation {type(attestation).__name__}"


def describe_proof(proof: DetachedTimestampFile) -> str:
    """A readable tree of the proof, in the spirit of ``ots info``."""
    lines = [
        f"File {proof.file_hash_op.TAG_NAME} hash: {proof.file_digest.hex()}",
        "Timestamp:",
    ]
    # (node, indent of its lines, the line of the op that led here, indent of that line)
    stack: list[tuple[Timestamp, int, str | None, int]] = [(proof.timestamp, 0, None, 0)]
    while stack:
        node, indent, label, label_indent = stack.pop()
        pad = "    " * indent
        if label is not None:
            lines.append("    " * label_indent + label)
            lines.append("    " * label_indent + f"  = {node.msg.hex()}")
        for attestation in sorted(node.attestations):
            lines.append(f"{pad}verify {describe_attestation(attestation)}")
            if isinstance(attestation, BitcoinBlockHeaderAttestation):
                lines.append(f"{pad}  merkle root (display order) {node.msg[::-1].hex()}")
        ops = sorted(node.ops.items(), key=lambda item: item[0])
        branching = len(ops) > 1  # each branch is marked "-> " and indented one level more
        for op, child in reversed(ops):
            if branching:
                stack.append((child, indent + 1, f"-> {op}", indent))
            else:
                stack.append((child, indent, str(op), indent))
    return "\n".join(lines) + "\n"
