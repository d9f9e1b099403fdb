"""CPU time and memory of another process, read from outside it (psutil and /proc).

Peak memory is Linux's high-water mark of resident memory (``VmHWM``), which the kernel lets a
process's owner reset by writing 5 to ``/proc/<pid>/clear_refs``. Where that is not possible,
a sampling thread stands in for it (and may miss a short peak; the result says which).
"""

import threading
import time
from pathlib import Path

import psutil

MB = 1024 * 1024


class ProcessProbe:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.process = psutil.Process(pid)
        self._sampler: _Sampler | None = None

    def cpu_seconds(self) -> float:
        """User and system CPU time of every thread of the process so far."""
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def rss_bytes(self) -> int:
        return int(self.process.memory_info().rss)

    def start_peak(self) -> str:
        """Begin a peak-memory window; returns how the peak is measured."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
            self._sampler = None
            return "VmHWM"
        except OSError:
            self._sampler = _Sampler(self)
            return "sampled every 5 ms"

    def peak_bytes(self) -> int:
        """The highest resident memory since ``start_peak``."""
        if self._sampler is not None:
            return self._sampler.stop()
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM for process {self.pid}")


class _Sampler:
    def __init__(self, probe: ProcessProbe) -> None:
        self.probe = probe
        self.peak = probe.rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            try:
                self.peak = max(self.peak, self.probe.rss_bytes())
            except psutil.Error:
                return

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def megabytes(value: float) -> float:
    return round(value / MB, 1)


def settle(seconds: float) -> None:
    """Let background work (node-state flushes, garbage) finish before reading a counter."""
    time.sleep(seconds)
