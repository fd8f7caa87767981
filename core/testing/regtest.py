"""A throwaway ``litecoind -regtest`` node that anchors Merkle roots as OpenTimestamps calendars do.

Litecoin Core speaks Bitcoin Core's RPC and, before MWEB activates (a few hundred blocks into
regtest), uses Bitcoin's block and transaction formats, so its blocks can carry real
``BitcoinBlockHeaderAttestation`` proofs. Two quirks shape this module:

- Litecoin checks proof of work with scrypt, so about half of its regtest headers miss their own
  target under Bitcoin's double SHA-256 check. :meth:`RegtestNode.anchor_root` invalidates such a
  block and mines again until the anchoring block passes the Bitcoin check too.
- Every node starts a fresh, short chain in a temporary directory (MWEB would otherwise make
  blocks python-bitcoinlib cannot parse).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation
from opentimestamps.core.op import OpAppend, OpPrepend, OpSHA256
from opentimestamps.core.timestamp import Timestamp

DEFAULT_BINARY = "litecoind"
MATURE_BLOCKS = 101  # coinbase outputs mature after 100 confirmations
MAX_CHAIN_HEIGHT = 350  # stay well below regtest's MWEB activation
MAX_ANCHOR_ATTEMPTS = 40  # each attempt passes with probability ~1/2


class RegtestError(RuntimeError):
    """The regtest node failed to start, answer or anchor."""


class RpcError(RegtestError):
    """The node answered a JSON-RPC call with an error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method = method
        self.code = code
        self.message = message


def litecoind_available(binary: str = DEFAULT_BINARY) -> bool:
    """True when a litecoind executable can be found."""
    return _find_binary(binary) is not None


def _find_binary(binary: str) -> str | None:
    if os.path.sep in binary:
        return binary if os.access(binary, os.X_OK) else None
    return shutil.which(binary) or (
        "/usr/bin/" + binary if os.access("/usr/bin/" + binary, os.X_OK) else None
    )


def free_port() -> int:
    """An unused TCP port on 127.0.0.1 (free when asked; good enough for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def bits_to_target(bits: int) -> int:
    """Expand a compact ``nBits`` value into the 256-bit target it encodes."""
    exponent = bits >> 24
    mantissa = bits & 0x007FFFFF
    if bits & 0x00800000:  # sign bit: a negative target, which nothing can meet
        return -1
    if exponent <= 3:
        return mantissa >> (8 * (3 - exponent))
    return mantissa << (8 * (exponent - 3))


def header_meets_bitcoin_target(raw_header: bytes) -> bool:
    """Bitcoin's proof-of-work rule: double SHA-256 of the header, as an integer, <= its target."""
    if len(raw_header) != 80:
        raise ValueError(f"a block header is 80 bytes, not {len(raw_header)}")
    bits = int.from_bytes(raw_header[72:76], "little")
    target = bits_to_target(bits)
    return target > 0 and int.from_bytes(sha256d(raw_header), "little") <= target


def merkle_path_timestamp(leaf_ts: Timestamp, txids: list[bytes], index: int) -> Timestamp:
    """Add ops to ``leaf_ts`` (whose msg is txids[index]) up to the block's Merkle root.

    txids are in internal byte order. Bitcoin pairs an odd last node with itself.
    Returns the sub-timestamp whose msg is the Merkle root.
    """
    if leaf_ts.msg != txids[index]:
        raise ValueError("leaf timestamp does not hold the transaction id")
    level = list(txids)
    ts = leaf_ts
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        sibling = level[index ^ 1]
        ts = ts.ops.add(OpAppend(sibling) if index % 2 == 0 else OpPrepend(sibling))
        ts = ts.ops.add(OpSHA256()).ops.add(OpSHA256())
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        index //= 2
    return ts


class RegtestNode:
    """``litecoind -regtest`` in a temporary directory, with a funded legacy wallet.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        *,
        binary: str = DEFAULT_BINARY,
        startup_timeout: float = 30.0,
        rpc_timeout: float = 30.0,
        stop_timeout: float = 15.0,
    ) -> None:
        found = _find_binary(binary)
        if found is None:
            raise RegtestError(f"{binary} not found")
        self.binary = found
        self.startup_timeout = startup_timeout
        self.rpc_timeout = rpc_timeout
        self.stop_timeout = stop_timeout
        self.rpc_user = "amber"
        self.rpc_password = secrets.token_hex(16)
        self.rpc_port = 0
        self.datadir: Path | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._client: httpx.Client | None = None
        self._rpc_id = 0
        self.discarded_blocks = 0  # anchoring blocks invalidated for failing the Bitcoin check

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def rpc_url(self) -> str:
        """``http://user:password@127.0.0.1:port`` (what ``ots --bitcoin-node`` and Amber take)."""
        return f"http://{self.rpc_user}:{self.rpc_password}@127.0.0.1:{self.rpc_port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> RegtestNode:
        if self._process is not None:
            raise RegtestError("node already started")
        self._tmp = tempfile.TemporaryDirectory(prefix="amber-regtest-")
        self.datadir = Path(self._tmp.name)
        self.rpc_port = free_port()
        args = [
            self.binary,
            "-regtest",
            f"-datadir={self.datadir}",
            "-server=1",
            f"-rpcuser={self.rpc_user}",
            f"-rpcpassword={self.rpc_password}",
            "-rpcbind=127.0.0.1",
            "-rpcallowip=127.0.0.1",
            f"-rpcport={self.rpc_port}",
            f"-port={free_port()}",
            "-listen=0",
            "-dnsseed=0",
            "-discover=0",
            "-upnp=0",
            "-printtoconsole=0",
            "-fallbackfee=0.0002",
            # Legacy (non-segwit) addresses only: the anchoring transaction then has no
            # witness, so its txid is the double SHA-256 of its raw bytes.
            "-addresstype=legacy",
            "-changetype=legacy",
            "-keypool=10",
        ]
        log = open(self.datadir / "stdout.log", "wb")  # noqa: SIM115 - closed with the process
        try:
            self._process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        finally:
            log.close()
        self._client = httpx.Client(
            auth=(self.rpc_user, self.rpc_password), timeout=self.rpc_timeout
        )
        try:
            self._wait_ready()
            self.rpc("createwallet", "amber")
            self._address = self.new_address()
            self.mine(MATURE_BLOCKS)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RegtestError(f"litecoind exited early: {self._log_tail()}")
            try:
                self.rpc("getblockchaininfo")
                return
            except (httpx.HTTPError, RpcError) as exc:  # refused, or -28 "warming up"
                last_error = exc
            time.sleep(0.05)
        raise RegtestError(f"litecoind RPC not ready after {self.startup_timeout}s: {last_error}")

    def _log_tail(self) -> str:
        if self.datadir is None:
            return ""
        try:
            return (self.datadir / "stdout.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Ask the node to stop, wait for it, kill it if it does not, and delete its data."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                self._call("stop", [], timeout=5.0)
            except (httpx.HTTPError, RpcError):
                process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.stop_timeout)
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> RegtestNode:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- RPC -------------------------------------------------------------------------------

    def rpc(self, method: str, *params: Any) -> Any:
        """Call a JSON-RPC method and return its result; errors raise :class:`RpcError`."""
        return self._call(method, list(params), timeout=self.rpc_timeout)

    def _call(self, method: str, params: list[Any], *, timeout: float) -> Any:
        if self._client is None:
            raise RegtestError("node not started")
        self._rpc_id += 1
        response = self._client.post(
            f"http://127.0.0.1:{self.rpc_port}/",
            json={"jsonrpc": "1.0", "id": self._rpc_id, "method": method, "params": params},
            timeout=timeout,
        )
        if response.status_code == 401:
            raise RegtestError("RPC authentication failed")
        body = response.json()  # errors come with HTTP 500 and a JSON body
        error = body.get("error")
        if error:
            raise RpcError(method, int(error.get("code", 0)), str(error.get("message", "")))
        return body["result"]

    def new_address(self) -> str:
        address: str = self.rpc("getnewaddress", "", "legacy")
        return address

    def mine(self, n: int = 1, address: str | None = None) -> list[str]:
        """Mine ``n`` blocks (to the wallet) and return their hashes (display hex)."""
        height: int = self.rpc("getblockcount")
        if height + n > MAX_CHAIN_HEIGHT:
            raise RegtestError(
                f"chain would reach {height + n} blocks; regtest MWEB activates a little higher"
            )
        hashes: list[str] = self.rpc("generatetoaddress", n, address or self._address)
        return hashes

    def block_header(self, height: int) -> bytes:
        """The raw 80-byte header of the block at ``height``."""
        return bytes.fromhex(self.rpc("getblockheader", self.rpc("getblockhash", height), False))

    # -- anchoring -------------------------------------------------------------------------

    def anchor_root(self, root: bytes) -> tuple[int, Timestamp]:
        """Put ``root`` in an OP_RETURN output, mine it, and prove it up to the block header.

        The block holding the transaction also meets Bitcoin's proof-of-work rule for its own
        header. Returns the block height and ``Timestamp(root)`` ending in a
        ``BitcoinBlockHeaderAttestation``.
        """
        if len(root) != 32:
            raise ValueError(f"root must be 32 bytes, not {len(root)}")
        raw_tx = self._send_op_return(root)
        txid_internal = sha256d(raw_tx)
        txid = txid_internal[::-1].hex()

        for _ in range(MAX_ANCHOR_ATTEMPTS):
            if txid not in self.rpc("getrawmempool"):
                self.rpc("sendrawtransaction", raw_tx.hex())
            block_hash = self.mine(1, self.new_address())[0]
            block = self.rpc("getblock", block_hash, 1)
            if txid not in block["tx"]:
                raise RegtestError(f"mined block {block_hash} lacks transaction {txid}")
            raw_header = bytes.fromhex(self.rpc("getblockheader", block_hash, False))
            if header_meets_bitcoin_target(raw_header):
                break
            # Valid under scrypt but not under double SHA-256: mine that height again.
            self.rpc("invalidateblock", block_hash)
            self.discarded_blocks += 1
        else:
            raise RegtestError(f"no block passed the Bitcoin check in {MAX_ANCHOR_ATTEMPTS} tries")

        timestamp = Timestamp(root)
        position = raw_tx.find(root)
        ts = timestamp.ops.add(OpPrepend(raw_tx[:position]))
        ts = ts.ops.add(OpAppend(raw_tx[position + len(root) :]))
        ts = ts.ops.add(OpSHA256()).ops.add(OpSHA256())
        txids = [bytes.fromhex(t)[::-1] for t in block["tx"]]
        tip = merkle_path_timestamp(ts, txids, block["tx"].index(txid))
        if tip.msg != raw_header[36:68]:
            raise RegtestError("computed Merkle root differs from the block header's")
        height = int(block["height"])
        tip.attestations.add(BitcoinBlockHeaderAttestation(height))
        return height, timestamp

    def _send_op_return(self, root: bytes) -> bytes:
        unfunded = self.rpc("createrawtransaction", [], [{"data": root.hex()}])
        funded = self.rpc("fundrawtransaction", unfunded)["hex"]
        signed = self.rpc("signrawtransactionwithwallet", funded)
        if not signed.get("complete"):
            raise RegtestError(f"could not sign the anchoring transaction: {signed}")
        raw_tx = bytes.fromhex(signed["hex"])
        txid: str = self.rpc("sendrawtransaction", signed["hex"])
        if sha256d(raw_tx)[::-1].hex() != txid:
            raise RegtestError("anchoring transaction has a witness; its txid is not sha256d(raw)")
        if raw_tx.count(root) != 1:
            raise RegtestError("root appears more than once in the anchoring transaction")
        return raw_tx
