"""``GET /metrics``: Prometheus's view of every control plane, outside the API.

Two sources make one scrape. Events (versions committed, payloads sent, nacks, commit-to-ack,
connections, webhook failures) are counted where they happen (controlplane.sync.metrics).
Database state (each control plane's config version, its nodes by status) is read here, at
scrape time, one query each: whichever process answers, it tells the truth.

Who may scrape: with ``KONNECTLITE_METRICS_TOKEN`` set, a client sending it as a bearer
token; otherwise loopback clients only.
"""

import hmac
import ipaddress
import logging
import os
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from controlplane import health
from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.sync import metrics  # noqa: F401  (registers the event metrics)

logger = logging.getLogger(__name__)

# What health.node_health reads of a node.
HEALTH_FIELDS = (
    "control_plane_id",
    "connected",
    "last_ping",
    "sync_status",
    "config_version",
    "config_hash",
    "behind_since",
    "last_ack_at",
)


class FleetCollector(Collector):
    """Each control plane's config version and its nodes by status, read from the database."""

    def collect(self) -> Iterator[Metric]:
        # The events' metrics are still worth serving while the database is down; this gauge
        # says why the rest is missing.
        up = GaugeMetricFamily(
            "konnectlite_database_up", "1 if the scrape could read the database, else 0."
        )
        try:
            families = self._read()
        except DatabaseError:
            logger.exception("metrics: could not read the fleet from the database")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self) -> list[Metric]:
        heads = {
            str(cp.pk): cp
            for cp in ControlPlane.objects.only("pk", "config_version", "config_hash")
        }
        version = GaugeMetricFamily(
            "konnectlite_config_version",
            "The control plane's current config version.",
            labels=["control_plane"],
        )
        for cp_id, cp in heads.items():
            version.add_metric([cp_id], cp.config_version)
        return [version, self._nodes(heads)]

    def _nodes(self, heads: dict[str, ControlPlane]) -> GaugeMetricFamily:
        now = timezone.now()
        counts: Counter[tuple[str, str]] = Counter()
        live_nodes = DataPlaneNode.objects.filter(revoked_at__isnull=True).only(*HEALTH_FIELDS)
        for node in live_nodes:
            cp = heads.get(str(node.control_plane_id))
            if cp is not None:  # a control plane created since the first query
                counts[str(cp.pk), health.node_health(node, cp, now).status] += 1
        family = GaugeMetricFamily(
            "konnectlite_nodes",
            "Registered (not revoked) nodes by health status (controlplane/health.py).",
            labels=["control_plane", "status"],
        )
        # Every status of every control plane, zeros included: an alert on "offline > 0"
        # needs the series to exist before the first node goes offline.
        for cp_id in heads:
            for status in health.STATUSES:
                family.add_metric([cp_id, status], counts[cp_id, status])
        return family


def scrape() -> bytes:
    """The text exposition of every metric, summed over processes in multi-process mode."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)  # this process's metrics, with its CPU and memory
    registry.register(FleetCollector())
    return generate_latest(registry)


@require_GET
def serve_metrics(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    token = settings.KONNECTLITE_METRICS_TOKEN
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            sent.strip().encode(), token.encode()
        ):
            return None
        refused = JsonResponse(
            {"message": "Unauthorized: send the metrics bearer token"}, status=401
        )
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    if _is_loopback(request.META.get("REMOTE_ADDR", "")):
        return None
    return JsonResponse(
        {
            "message": "Forbidden: metrics are served to loopback clients only; "
            "set KONNECTLITE_METRICS_TOKEN to scrape from elsewhere"
        },
        status=403,
    )


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A dual-stack listener reports an IPv4 client as ::ffff:127.0.0.1.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback
