"""Small response helpers shared by the dashboard's views."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect

from controlplane.errors import KongError


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: an htmx request is told to navigate, a plain form is redirected."""
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def show_error(form: forms.Form, exc: KongError) -> None:
    """Put a service's error on the form: Kong's message on top, each field by its input."""
    form.add_error(None, exc.message)
    for path, problem in flatten_fields(exc.fields or {}):
        top = path.split(".")[0].split("[")[0]
        if top in form.fields and top != "body" and top not in form.errors:
            form.add_error(top, problem)


def flatten_fields(fields: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Kong's nested ``fields`` tree as (dotted path, problem) pairs."""
    if isinstance(fields, dict):
        pairs: list[tuple[str, str]] = []
        for key, value in fields.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            pairs.extend(flatten_fields(value, path))
        return pairs
    if isinstance(fields, list):
        return [pair for item in fields for pair in flatten_fields(item, prefix)]
    return [(prefix or "entity", str(fields))]
