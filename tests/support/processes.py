"""Real processes for end-to-end tests: a daphne control plane and konnectlite-dp agents.

Every process is started on a free port of 127.0.0.1 and always stopped by the fixture that
made it, even when an assertion fails.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from konnectlite.server import daphne_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DP = str(BIN / "konnectlite-dp")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # the thing polled may not be up yet
            last_error = exc
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last error: {last_error})")


def http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else None


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the process gets no chance to finish a write or close a connection."""
    if process.poll() is None:
        process.kill()
    process.wait()


def cpu_time(process: subprocess.Popen[bytes]) -> float:
    """Seconds of CPU the process has used so far, in all its threads (Linux)."""
    stat = Path(f"/proc/{process.pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen[bytes], timeout: float = 10) -> bool:
    """SIGTERM, then SIGKILL after ``timeout``; False if it came to that."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False
    return True


@dataclass
class ControlPlaneServer:
    """One daphne process serving konnectlite with the given environment."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ControlPlaneServer":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            daphne_command("127.0.0.1", self.port),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, what=f"control plane on port {self.port}")
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"daphne exited: {self.log_path.read_text()[-2000:]}")
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> bool:
        """SIGTERM; False if it did not exit within 10 s and had to be killed."""
        return self.process is None or stop(self.process)

    def kill(self) -> None:
        if self.process is not None:
            kill(self.process)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed: {result.stderr}")
    return result.stdout


@dataclass
class Agent:
    """One ``konnectlite-dp`` node: its data dir, its process and its status endpoint."""

    data_dir: Path
    env: dict[str, str]
    status_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def register(
        self, server: str, token: str, name: str, *labels: str
    ) -> subprocess.CompletedProcess[str]:
        args = [DP, "register", "--server", server, "--token", token, "--name", name]
        args += [f"--label={label}" for label in labels]
        args += ["--data-dir", str(self.data_dir)]
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)

    def start(self, *extra: str) -> "Agent":
        log = (self.data_dir.parent / f"{self.data_dir.name}.log").open("ab")
        self.process = subprocess.Popen(
            [
                DP,
                "run",
                "--data-dir",
                str(self.data_dir),
                "--status-listen",
                f"127.0.0.1:{self.status_port}",
                *extra,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._status_up, what="agent status endpoint")
        return self

    def _status_up(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"agent exited with {self.process.returncode}: {self.log()[-2000:]}"
            )
        return self.status() is not None

    def status(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.status_port}/status", timeout=5
            ) as r:
                return json.loads(r.read())
        except OSError:
            return None

    def wait_version(self, version: int, timeout: float = 20) -> dict[str, Any]:
        return wait_for(
            lambda: (s := self.status()) and s["version"] == version and s,
            timeout,
            what=f"node at version {version} (status {self.status()})",
        )

    def log(self) -> str:
        path = self.data_dir.parent / f"{self.data_dir.name}.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def kill(self) -> None:
        if self.process is not None:
            kill(self.process)


@dataclass
class RedisServer:
    """A throwaway ``redis-server`` without persistence, so a test can take it away and back."""

    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, what=f"redis on port {self.port}")
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited: {self.log_path.read_text()[-2000:]}")
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
