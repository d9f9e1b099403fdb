"""8. Server memory under a 1 GB upload, and whether it keeps answering others meanwhile.

Each case offers a 1 GiB body to the declarative-config endpoint, whose limit (64 MiB) is the
largest, declared with Content-Length or chunked, with and without a token. The client sends
until the server answers. Meanwhile a second client asks for the control plane again and
again; every answer it got is counted. Growth is the server's peak resident memory (VmHWM,
reset before each case) over its resident memory just before the upload.
"""

import http.client
import threading
import time
from typing import Any

from bench.cluster import Cluster
from bench.context import Context, in_thread
from bench.probe import megabytes, settle
from tests.support.uploads import send_until_answered

UPLOAD_BYTES = 1024**3
TARGET_GROWTH_MB = 150
SETTLE_SECONDS = 0.5


async def measure(ctx: Context) -> dict[str, Any]:
    cp_id = ctx.largest.id
    # The server's first requests load code (URL patterns, views); that is not upload memory.
    await in_thread(ctx.cluster.api().expect, 200, "GET", f"/v2/control-planes/{cp_id}")
    cases = {}
    for chunked in (False, True):
        for token in (True, False):
            name = f"{'chunked' if chunked else 'plain'}, {'with' if token else 'no'} token"
            cases[name] = await in_thread(_case, ctx.cluster, cp_id, chunked, token)
    worst = max(case["growth_mb"] for case in cases.values())
    answered = all(case["status"] == 413 and case["others_failed"] == 0 for case in cases.values())
    return {
        "upload_bytes": UPLOAD_BYTES,
        "cases": cases,
        "worst_growth_mb": worst,
        "target_growth_mb": TARGET_GROWTH_MB,
        "met": worst <= TARGET_GROWTH_MB and answered,
    }


def _case(cluster: Cluster, cp_id: str, chunked: bool, token: bool) -> dict[str, Any]:
    headers = {"Content-Type": "application/yaml"}
    if token:
        headers["Authorization"] = f"Bearer {cluster.token}"
    path = f"/v2/control-planes/{cp_id}/declarative-config"
    probe = cluster.probe()
    settle(SETTLE_SECONDS)
    idle, how = probe.rss_bytes(), probe.start_peak()
    others = _Others(cluster, cp_id)
    started = time.monotonic()
    answer = send_until_answered(cluster.server.port, path, UPLOAD_BYTES, headers, chunked=chunked)
    seconds = time.monotonic() - started
    counts = others.stop()
    peak = probe.peak_bytes()
    return {
        "status": answer.status,
        "sent_mb": megabytes(answer.body_bytes_sent),
        "answered_after_s": round(seconds, 2),
        "idle_rss_mb": megabytes(idle),
        "peak_rss_mb": megabytes(peak),
        "growth_mb": megabytes(max(peak - idle, 0)),
        "peak_measured_by": how,
        "others_answered": counts[0],
        "others_failed": counts[1],
    }


class _Others:
    """Another client asking for the control plane until stopped (at least once)."""

    def __init__(self, cluster: Cluster, cp_id: str) -> None:
        self.api = cluster.api()
        self.path = f"/v2/control-planes/{cp_id}"
        self.answered = self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                status, _ = self.api.call("GET", self.path)
            except (OSError, http.client.HTTPException):
                status = 0
            if status == 200:
                self.answered += 1
            else:
                self.failed += 1
            if self._stop.is_set():
                return

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        self.api.close()
        return self.answered, self.failed
