"""Sending the webhook outbox: a loop in each server process, never in a request or a sync.

Every POLL_SECONDS the loop claims the deliveries that are due (a compare-and-set on
``next_attempt_at``, so two server processes never send the same one at once), POSTs each
from a thread with a timeout, and records the attempt. A failure is retried after
``BACKOFF_SECONDS * 2**(attempt-1)`` (capped at MAX_BACKOFF_SECONDS) until MAX_ATTEMPTS, then
the delivery is marked failed. Every EVALUATE_SECONDS the same loop asks node_alerts for new
node transitions. The loop starts with the server's first request or connection (start()).
"""

import asyncio
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from controlplane.models import WebhookDelivery
from controlplane.sync import metrics, node_alerts
from controlplane.sync.db import database_sync_to_async

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
EVALUATE_SECONDS = 2.0
TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 600.0
BATCH = 20
# A claimed delivery is due again after this, should its process die mid-attempt.
LEASE = timedelta(seconds=6 * TIMEOUT_SECONDS)
# Finished deliveries (delivered or given up) are kept this long, pruned once a minute.
DELIVERY_RETENTION = timedelta(days=7)
PRUNE_SECONDS = 60.0
SIGNATURE_HEADER = "X-Konnectlite-Signature"
TIMESTAMP_HEADER = "X-Konnectlite-Timestamp"


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signature(secret: str, body: bytes) -> str:
    """The header value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode_body(delivery: WebhookDelivery) -> bytes:
    body = {"id": str(delivery.pk), **delivery.payload}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is reported as the receiver's answer: following it could send the signed
    # body somewhere its owner never configured.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, secret: str, body: bytes, event: str, delivery_id: str) -> Attempt:
    """One POST, blocking (run it in a thread): the answer's status, or why there was none."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", "konnectlite-webhooks/1")
    request.add_header("X-Konnectlite-Event", event)
    request.add_header("X-Konnectlite-Delivery", delivery_id)
    request.add_header(TIMESTAMP_HEADER, str(int(time.time())))
    request.add_header(SIGNATURE_HEADER, signature(secret, body))
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Attempt(response.status, "")
    except urllib.error.HTTPError as exc:
        return Attempt(exc.code, f"HTTP {exc.code} {exc.reason}")
    except (OSError, ValueError) as exc:  # refused, timed out, unresolvable, bad URL
        return Attempt(None, str(getattr(exc, "reason", exc))[:500] or type(exc).__name__)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (attempts - 1)))


@database_sync_to_async
def claim_due() -> list[WebhookDelivery]:
    """Deliveries due now, each claimed for LEASE so no other process sends it meanwhile."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(next_attempt_at__lte=now)
        .select_related("webhook")
        .order_by("next_attempt_at")[:BATCH]
    )
    claimed = []
    for delivery in due:
        with transaction.atomic():
            won = WebhookDelivery.objects.filter(
                pk=delivery.pk, next_attempt_at=delivery.next_attempt_at
            ).update(next_attempt_at=now + LEASE)
        if won:
            claimed.append(delivery)
    return claimed


@database_sync_to_async
def record(delivery: WebhookDelivery, attempt: Attempt) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    retry = not attempt.ok and attempts < MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        status_code=attempt.status_code,
        error=attempt.error,
        delivered_at=now if attempt.ok else None,
        next_attempt_at=now + backoff(attempts) if retry else None,
    )


async def send(delivery: WebhookDelivery) -> Attempt:
    hook = delivery.webhook
    body = encode_body(delivery)
    attempt = await asyncio.to_thread(
        post, hook.url, hook.secret, body, delivery.event, str(delivery.pk)
    )
    if not attempt.ok:
        logger.warning("webhook %s: %s failed: %s", hook.pk, delivery.event, attempt.error)
        metrics.webhook_failed(str(hook.control_plane_id))
    await record(delivery, attempt)
    return attempt


async def deliver_due() -> int:
    """Send every due delivery once, concurrently; how many were attempted."""
    batch = await claim_due()
    await asyncio.gather(*(send(d) for d in batch))
    return len(batch)


@database_sync_to_async
def prune() -> int:
    """Delete the finished deliveries older than DELIVERY_RETENTION; how many."""
    old = timezone.now() - DELIVERY_RETENTION
    deleted, _ = WebhookDelivery.objects.filter(next_attempt_at=None, created_at__lt=old).delete()
    return deleted


async def run() -> None:
    last_evaluation = last_prune = 0.0
    while True:
        await asyncio.sleep(POLL_SECONDS)
        try:
            if time.monotonic() - last_evaluation >= EVALUATE_SECONDS:
                last_evaluation = time.monotonic()
                await database_sync_to_async(node_alerts.evaluate)()
            if time.monotonic() - last_prune >= PRUNE_SECONDS:
                last_prune = time.monotonic()
                await prune()
            while await deliver_due() == BATCH:
                pass
        except Exception:  # the database may be away for a moment: try again next tick
            logger.exception("webhook loop failed; retrying")


_task: asyncio.Task[None] | None = None
_loop: asyncio.AbstractEventLoop | None = None


def start() -> None:
    """Start the loop on the running event loop, once per loop (cheap to call often)."""
    global _task, _loop
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _loop is not loop:
        _loop, _task = loop, loop.create_task(run())


class StartWebhookLoop:
    """ASGI wrapper: the first request or connection of the process starts the loop."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            start()
        await self.app(scope, receive, send)
