"""Template helpers: sizes in human units with the exact count on hover, times, short ids."""

import json
from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

register = template.Library()

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def human_bytes(count: int | float | None) -> str:
    """``1536`` -> ``"1.5 KiB"``; binary units, so the figures match what tools report."""
    if count is None:
        return "—"
    value = float(count)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


@register.simple_tag
def size(count: int | float | None) -> SafeString:
    """A size in human units; the exact byte count is in the title attribute."""
    if count is None:
        return mark_safe('<span class="muted">—</span>')
    return format_html(
        '<span class="size" title="{} bytes">{}</span>', f"{int(count):,}", human_bytes(count)
    )


@register.simple_tag
def ago(moment: datetime | None) -> SafeString:
    """A time as "3 minutes ago", with the exact UTC time in the title attribute."""
    if moment is None:
        return mark_safe('<span class="muted">never</span>')
    exact = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 10:
        text = "just now"
    elif seconds < 60:
        text = f"{int(seconds)} seconds ago"
    else:
        text = f"{timesince(moment, depth=1)} ago"
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.isoformat(), exact, text)


@register.simple_tag
def millis(value: float | None) -> SafeString:
    if value is None:
        return mark_safe('<span class="muted">—</span>')
    text = f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    return format_html('<span title="{} ms">{}</span>', f"{value:.3f}", text)


@register.filter
def short_id(value: object) -> str:
    return str(value)[:8]


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def minus(value: int, other: int) -> int:
    return int(value) - int(other)


@register.filter
def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


@register.filter
def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: "Gateway services" -> "gateway services", while
    acronyms keep their case ("CA certificates", "SNIs", "ACL groups"), which |lower breaks."""
    if label[:2].isupper() or not label:
        return label
    return label[0].lower() + label[1:]
