"""The node's files in its data dir: its identity (node.json) and its credential.

The credential is the only secret the agent holds. It lives in its own file, created with mode
0600 from the first byte, so that node.json can be read, copied and attached to bug reports.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DATA_DIR_ENV = "KONNECTLITE_DP_DATA_DIR"
NODE_FILE = "node.json"
CREDENTIAL_FILE = "credential"
STORE_FILE = "config.db"
LOCK_FILE = "agent.lock"


class NotRegistered(Exception):
    """The data dir holds no usable registration; ``konnectlite-dp register`` comes first."""


@dataclass(frozen=True)
class NodeIdentity:
    """What registration taught the node about itself; everything but the credential."""

    server: str
    node_id: str
    control_plane_id: str
    sync_url: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)


def resolve_data_dir(explicit: str | None) -> Path:
    """The --data-dir flag, else $KONNECTLITE_DP_DATA_DIR, else ~/.local/share/konnectlite-dp."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path.home() / ".local" / "share" / "konnectlite-dp"


def ensure_data_dir(data_dir: Path) -> Path:
    # 0700: the directory holds the credential and a copy of every secret in the config.
    data_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
    return data_dir


def save_identity(data_dir: Path, identity: NodeIdentity) -> None:
    text = json.dumps(asdict(identity), indent=2, sort_keys=True) + "\n"
    _write_atomically(data_dir / NODE_FILE, text.encode(), mode=0o644)


def load_identity(data_dir: Path) -> NodeIdentity:
    path = data_dir / NODE_FILE
    try:
        raw = json.loads(path.read_text())
        return NodeIdentity(
            server=str(raw["server"]),
            node_id=str(raw["node_id"]),
            control_plane_id=str(raw["control_plane_id"]),
            sync_url=str(raw["sync_url"]),
            name=str(raw["name"]),
            labels={str(k): str(v) for k, v in dict(raw.get("labels") or {}).items()},
        )
    except FileNotFoundError:
        raise NotRegistered(f"no registration in {data_dir}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise NotRegistered(f"{path} is unreadable ({exc})") from None


def save_credential(data_dir: Path, credential: str) -> None:
    _write_atomically(data_dir / CREDENTIAL_FILE, credential.encode() + b"\n", mode=0o600)


def load_credential(data_dir: Path) -> str:
    path = data_dir / CREDENTIAL_FILE
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        credential = path.read_text().strip()
    except FileNotFoundError:
        raise NotRegistered(f"no credential in {data_dir}") from None
    if mode & 0o077:
        # Like ssh with a private key: say so loudly, but a restrictive fix is the operator's.
        log.warning("%s is readable by other users (mode %03o); chmod 600 it", path, mode)
    if not credential:
        raise NotRegistered(f"{path} is empty")
    return credential


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    """Write a file so readers see the old or the new content, and never looser permissions.

    The temporary file is created by os.open with the final mode, so a secret is never
    world-readable, not even between create and chmod.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class DataDirBusy(Exception):
    """Another agent already runs with this data dir."""


@contextmanager
def exclusive_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data dir for one agent: two agents on one store would fight over it.

    flock is released by the kernel when the process dies, so a crash leaves no stale lock.
    """
    with open(data_dir / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirBusy(f"another konnectlite-dp is running with {data_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
