"""Webhooks of a control plane: create, change, delete, and send a test event.

Deliveries are never sent here: events become rows in the outbox (sync/webhook_outbox.py) in
the transaction of what caused them, and the server's delivery loop sends them.
"""

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from controlplane.errors import SchemaViolationError
from controlplane.models import ControlPlane, Webhook
from controlplane.models.webhooks import WEBHOOK_EVENTS
from controlplane.services import audit
from controlplane.sync import webhook_outbox

SECRET_PREFIX = "whsec_"
MIN_SECRET_LENGTH = 16
MAX_URL_LENGTH = 2000
MAX_WEBHOOKS = 20
TEST_EVENT = "webhook.test"


def check_url(url: Any) -> str:
    """An absolute http(s) URL: anything else is refused with the field named."""
    if not isinstance(url, str) or not url.strip():
        raise SchemaViolationError.single("url", "required field missing")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise SchemaViolationError.single("url", f"length must be at most {MAX_URL_LENGTH}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise SchemaViolationError.single("url", "not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise SchemaViolationError.single("url", "expected an http:// or https:// URL")
    allowed = settings.KONNECTLITE_WEBHOOK_ALLOWED_HOSTS
    if allowed and host.lower() not in allowed:
        raise SchemaViolationError.single(
            "url", f"webhooks may only target these hosts: {', '.join(allowed)}"
        )
    return url


def check_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise SchemaViolationError.single(
            "events", f"expected a non-empty array of: {', '.join(WEBHOOK_EVENTS)}"
        )
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise SchemaViolationError.single(
            "events", f"unknown event {unknown[0]!r}; expected any of: {', '.join(WEBHOOK_EVENTS)}"
        )
    return sorted(set(events), key=WEBHOOK_EVENTS.index)


def check_secret(secret: Any) -> str:
    """The caller's secret, or a new random one when none is given."""
    if secret is None or secret == "":
        return SECRET_PREFIX + secrets.token_urlsafe(32)
    if not isinstance(secret, str) or not MIN_SECRET_LENGTH <= len(secret) <= 200:
        raise SchemaViolationError.single(
            "secret", f"expected a string of {MIN_SECRET_LENGTH} to 200 characters"
        )
    return secret


def create_webhook(
    cp: ControlPlane, *, url: Any, events: Any, secret: Any = None, enabled: Any = True
) -> Webhook:
    """Create a webhook; its secret (given, or generated) is readable only on this object."""
    if not isinstance(enabled, bool):
        raise SchemaViolationError.single("enabled", "expected a boolean")
    fields = {"url": check_url(url), "events": check_events(events), "secret": check_secret(secret)}
    with transaction.atomic():
        if Webhook.objects.filter(control_plane=cp).count() >= MAX_WEBHOOKS:
            raise SchemaViolationError.single(
                "url", f"a control plane has at most {MAX_WEBHOOKS} webhooks"
            )
        hook = Webhook.objects.create(control_plane=cp, enabled=enabled, **fields)
        _audit("webhook.create", hook)
        return hook


def update_webhook(hook: Webhook, changes: dict[str, Any]) -> Webhook:
    """Change any of url, events, secret and enabled; other keys are refused."""
    unknown = set(changes) - {"url", "events", "secret", "enabled"}
    if unknown:
        raise SchemaViolationError.single(sorted(unknown)[0], "unknown field")
    if "url" in changes:
        hook.url = check_url(changes["url"])
    if "events" in changes:
        hook.events = check_events(changes["events"])
    if "secret" in changes:
        hook.secret = check_secret(changes["secret"])
    if "enabled" in changes:
        if not isinstance(changes["enabled"], bool):
            raise SchemaViolationError.single("enabled", "expected a boolean")
        hook.enabled = changes["enabled"]
    with transaction.atomic():
        hook.save()
        _audit("webhook.update", hook, fields=sorted(changes))
    return hook


def delete_webhook(hook: Webhook) -> None:
    """Delete the webhook and its delivery history."""
    with transaction.atomic():
        _audit("webhook.delete", hook)
        hook.delete()


def _audit(action: str, hook: Webhook, **detail: Any) -> None:
    # Named by its address without any user:password part; never by its secret.
    parts = urlsplit(hook.url)
    label = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    audit.record_on(
        hook.control_plane,
        action,
        target_type="webhook",
        target_id=hook.pk,
        target_label=label,
        detail=detail,
    )


def send_test_event(hook: Webhook) -> None:
    """Queue a ``webhook.test`` delivery to this webhook alone, whatever its events."""
    with transaction.atomic():
        webhook_outbox.enqueue_to(hook, TEST_EVENT, {"message": "a test event from konnectlite"})
