"""The channel layer of a single-process deployment (no REDIS_URL).

Channels' ``InMemoryChannelLayer`` sweeps every channel and every group membership for
expired entries on each ``receive`` and ``group_send``. With one channel per connected node,
one version broadcast to n nodes then costs about n² steps: at 1,000 nodes that sweep, not the
delivery, took most of a second per version (measured by bench/, section 5). This layer is the
same layer with the sweep run at most once a second, which keeps expiry (60 s by default)
working while making a broadcast linear in the number of nodes.
"""

import time

from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL = 1.0


class LocalChannelLayer(InMemoryChannelLayer):
    _last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep < SWEEP_INTERVAL:
            return
        self._last_sweep = now
        super()._clean_expired()  # type: ignore[misc]  # private, so not in the stubs
