"""Dashboard forms. They only shape input: every rule is enforced by the services they feed.

The entity form is the API's body with a friendlier face: a JSON textarea holds the whole
entity, and a few common fields sit above it. A friendly field the person changed wins over
the JSON; one left as it was does not, so editing either place works.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms

from controlplane.models import Role
from controlplane.services.store import is_uuid
from kongcore.schema import ENTITY_TYPES, get_schema, plugin_names

# Stamped by the service on every write; never part of what a person edits.
MANAGED_FIELDS = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class Friendly:
    name: str
    kind: str  # text | list | ref | int | bool | plugin | pem
    label: str = ""
    help: str = ""
    reference: str = ""


def _ref(name: str, reference: str, label: str = "") -> Friendly:
    return Friendly(name, "ref", label, "Name or id", reference)


_TAGS = Friendly("tags", "list", "Tags", "Comma-separated")
FRIENDLY: dict[str, tuple[Friendly, ...]] = {
    "services": (
        Friendly("name", "text"),
        Friendly("url", "text", "Upstream URL", "e.g. https://billing.internal:8443/v1"),
    ),
    "routes": (
        Friendly("name", "text"),
        _ref("service", "services"),
        Friendly("paths", "list", help="Comma-separated, e.g. /billing, /invoices"),
        Friendly("hosts", "list", help="Comma-separated"),
        Friendly("methods", "list", help="Comma-separated, e.g. GET, POST"),
    ),
    "consumers": (Friendly("username", "text"), Friendly("custom_id", "text", "Custom id")),
    "consumer_groups": (Friendly("name", "text"),),
    "plugins": (
        Friendly("name", "plugin", "Plugin"),
        _ref("service", "services", "Service (optional)"),
        _ref("route", "routes", "Route (optional)"),
        _ref("consumer", "consumers", "Consumer (optional)"),
        Friendly("enabled", "bool"),
    ),
    "upstreams": (Friendly("name", "text"),),
    "targets": (
        _ref("upstream", "upstreams"),
        Friendly("target", "text", help="host:port"),
        Friendly("weight", "int"),
    ),
    "certificates": (
        Friendly("cert", "pem", "Certificate (PEM)"),
        Friendly("key", "pem", "Key (PEM)"),
    ),
    "ca_certificates": (Friendly("cert", "pem", "Certificate (PEM)"),),
    "snis": (Friendly("name", "text"), _ref("certificate", "certificates")),
    "key_sets": (Friendly("name", "text"),),
    "keys": (
        Friendly("name", "text"),
        Friendly("kid", "text", "kid"),
        _ref("set", "key_sets", "Key set"),
    ),
    "keyauth_credentials": (_ref("consumer", "consumers"), Friendly("key", "text")),
    "basicauth_credentials": (
        _ref("consumer", "consumers"),
        Friendly("username", "text"),
        Friendly("password", "text"),
    ),
    "acls": (_ref("consumer", "consumers"), Friendly("group", "text")),
    "jwt_secrets": (_ref("consumer", "consumers"), Friendly("key", "text")),
    "hmacauth_credentials": (_ref("consumer", "consumers"), Friendly("username", "text")),
    "consumer_group_consumers": (
        _ref("consumer_group", "consumer_groups", "Consumer group"),
        _ref("consumer", "consumers"),
    ),
    "vaults": (Friendly("name", "text", help="e.g. env"), Friendly("prefix", "text")),
}


def friendly_fields(entity_type: str) -> tuple[Friendly, ...]:
    fields = FRIENDLY.get(entity_type, ())
    if entity_type in ENTITY_TYPES and "tags" in get_schema(entity_type).field_names:
        fields = (*fields, _TAGS)
    return fields


class EntityForm(forms.Form):
    """Built per entity type by ``entity_form``; ``payload()`` is the body for the service."""

    entity_type: str = ""
    body = forms.CharField(
        label="Entity (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        help_text="The entity as Kong's Admin API takes it; fields set above take precedence.",
    )

    def clean_body(self) -> dict[str, Any]:
        text = self.cleaned_data.get("body") or ""
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"This is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("The entity must be a JSON object ({ … }).")
        return value

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = dict(self.cleaned_data["body"])
        for spec in friendly_fields(self.entity_type):
            if spec.name in self.changed_data:
                body[spec.name] = _to_json(spec, self.cleaned_data.get(spec.name))
        for name in MANAGED_FIELDS:
            body.pop(name, None)
        return body


def entity_form(
    entity_type: str,
    data: Any = None,
    entity: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> EntityForm:
    """The form for ``entity_type``, prefilled from ``entity`` when editing one."""
    fields: dict[str, Any] = {spec.name: _form_field(spec) for spec in friendly_fields(entity_type)}
    form_class = type(
        f"{entity_type}EntityForm", (EntityForm,), {**fields, "entity_type": entity_type}
    )
    initial = _initial(entity_type, entity, names or {})
    form: EntityForm = form_class(data=data, initial=initial)
    return form


def _form_field(spec: Friendly) -> forms.Field:
    label = spec.label or spec.name.replace("_", " ").capitalize()
    common: dict[str, Any] = {"label": label, "required": False, "help_text": spec.help}
    if spec.kind == "int":
        return forms.IntegerField(**common)
    if spec.kind == "bool":
        return forms.BooleanField(**common)
    if spec.kind == "plugin":
        choices = [("", "— choose a plugin —"), *((n, n) for n in plugin_names())]
        return forms.ChoiceField(choices=choices, **common)
    if spec.kind == "pem":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "class": "code"}), **common)
    attrs = {"list": f"options-{spec.reference}"} if spec.kind == "ref" else {}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), strip=True, **common)


def _initial(
    entity_type: str, entity: dict[str, Any] | None, names: dict[str, str]
) -> dict[str, Any]:
    if entity is None:
        return {"body": "{}", "enabled": True}
    editable = {k: v for k, v in entity.items() if k not in MANAGED_FIELDS}
    initial: dict[str, Any] = {"body": json.dumps(editable, indent=2, sort_keys=True)}
    for spec in friendly_fields(entity_type):
        initial[spec.name] = _from_json(entity_type, spec, entity, names)
    return initial


def _from_json(
    entity_type: str, spec: Friendly, entity: dict[str, Any], names: dict[str, str]
) -> Any:
    if entity_type == "services" and spec.name == "url":
        port, path = entity.get("port"), entity.get("path") or ""
        return f"{entity.get('protocol')}://{entity.get('host')}:{port}{path}"
    value = entity.get(spec.name)
    if spec.kind == "list":
        return ", ".join(str(v) for v in value or [])
    if spec.kind == "ref":
        ref_id = str((value or {}).get("id", "")) if isinstance(value, dict) else ""
        return names.get(ref_id, ref_id)
    return value if value is not None else ("" if spec.kind != "bool" else False)


def _to_json(spec: Friendly, value: Any) -> Any:
    if spec.kind == "list":
        items = [item.strip() for item in re.split(r"[,\n]", value or "")]
        return [item for item in items if item] or None
    if spec.kind == "ref":
        return _reference(spec.reference, value or "")
    if spec.kind == "bool":
        return bool(value)
    if value == "":
        return None
    return value


def _reference(reference: str, text: str) -> dict[str, str] | None:
    """A reference typed by name or id, in the shape the entity service resolves."""
    if not text:
        return None
    if is_uuid(text):
        return {"id": text}
    key = get_schema(reference).endpoint_key or "name"
    return {key: text}


def patch_between(original: dict[str, Any], edited: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as a PATCH body: a removed field is sent as null.

    Sending only what changed keeps derived values (a hashed password, say) untouched.
    """
    patch = {k: v for k, v in edited.items() if original.get(k) != v}
    for name in original:
        if name not in edited and name not in MANAGED_FIELDS:
            patch[name] = None
    return patch


class ControlPlaneForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    labels = forms.CharField(
        required=False,
        help_text="One key=value per line, e.g. env=production",
        widget=forms.Textarea(attrs={"rows": 3, "class": "code"}),
    )
    incremental_sync = forms.BooleanField(
        required=False,
        initial=True,
        label="Incremental sync",
        help_text="Send nodes only what changed; off sends every node the full config.",
    )

    def clean_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for line in (self.cleaned_data.get("labels") or "").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"'{line.strip()}' is not key=value")
            labels[key.strip()] = value.strip()
        return labels

    @staticmethod
    def initial_for(labels: dict[str, str]) -> str:
        return "\n".join(f"{k}={v}" for k, v in sorted(labels.items()))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100)
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        label="Expires in (days)",
        help_text="Leave empty for no expiry",
    )


class RegistrationTokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, initial="dashboard")
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        initial=1,
        label="Expires in (days)",
        help_text="1 day when left empty, as in the API.",
    )
    max_uses = forms.IntegerField(
        required=False,
        min_value=1,
        label="Max uses",
        help_text="How many nodes may register with it; empty for any number until it expires.",
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class DeclarativeUploadForm(forms.Form):
    file = forms.FileField(required=False, label="decK / Kong declarative file (YAML or JSON)")
    text = forms.CharField(
        required=False,
        strip=False,
        label="…or paste it",
        widget=forms.Textarea(attrs={"rows": 10, "class": "code", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["config"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        else:
            cleaned["config"] = cleaned.get("text") or ""
        if not cleaned["config"].strip():
            raise forms.ValidationError("Choose a file or paste a configuration.")
        return cleaned
