"""Reconnect delays: capped exponential backoff with full jitter.

Full jitter (a uniform draw between zero and the capped exponential) spreads a fleet of nodes
that lost the control plane at the same moment, so they do not all come back at once.
"""

from __future__ import annotations

import random

BASE_SECONDS = 0.5
FACTOR = 2.0
CAP_SECONDS = 30.0


class Backoff:
    """The n-th delay is ``uniform(0, min(cap, base * factor**n))``, until ``reset()``."""

    def __init__(
        self,
        *,
        base: float = BASE_SECONDS,
        factor: float = FACTOR,
        cap: float = CAP_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        self.base = base
        self.factor = factor
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def ceiling(self) -> float:
        """The largest delay the next draw can return."""
        # Past the cap the exponent no longer matters; stopping it avoids float overflow.
        exponent = min(self.attempt, 64)
        return min(self.cap, self.base * self.factor**exponent)

    def next_delay(self) -> float:
        delay = self._rng.uniform(0, self.ceiling())
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0
