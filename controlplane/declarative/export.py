"""From stored entities to a decK document, nested the way ``deck gateway dump`` nests it.

Routes sit under their service, plugins under the one entity they are scoped to (plugins
with several scopes or none stay at the top, naming their scopes), credentials and group
memberships under their consumer, targets under their upstream, SNIs under their
certificate. Timestamps are dropped and so are fields that are null by default.

Unlike ``deck dump`` (which leaves ids out unless ``--with-id``), ids are kept: a file that
round-trips must keep every entity's identity, and with ids a re-sync matches entities even
where decK would fall back to names (routes without one, certificates, targets).
Output is deterministic: collections are sorted and keys are written in order.
"""

import json
from collections.abc import Iterable
from typing import Any

import yaml

from controlplane.declarative import shapes
from kongcore.schema import get_schema

FORMAT_VERSION = "3.0"
PLUGIN_SCOPES = ("service", "route", "consumer", "consumer_group")
CREDENTIALS = (
    "keyauth_credentials",
    "basicauth_credentials",
    "hmacauth_credentials",
    "jwt_secrets",
    "acls",
)
# Collections that always stay at the top of the file, in decK's names.
_TOP = ("ca_certificates", "vaults", "key_sets")


def export_document(config: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Build the decK document of a whole config given as ``{entity_type: [entity, ...]}``."""
    return _Exporter(config).document()


class _Exporter:
    def __init__(self, config: dict[str, list[dict[str, Any]]]) -> None:
        self.by_id = {kind: {e["id"]: e for e in rows} for kind, rows in config.items()}
        self.children: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        self.top_plugins: list[dict[str, Any]] = []
        self._place_plugins(config.get("plugins", []))

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"_format_version": FORMAT_VERSION}
        if self.by_id.get("basicauth_credentials"):
            # The passwords below are Kong's hashes; this tells a re-sync not to hash them again.
            doc["_info"] = {"skip_hash_for_basic_auth": True}
        services = self._rows("services")
        doc["services"] = [self._service(s) for s in services]
        doc["routes"] = [self._route(r) for r in self._rows("routes") if not r.get("service")]
        doc["consumers"] = [self._consumer(c) for c in self._rows("consumers")]
        doc["consumer_groups"] = [self._consumer_group(g) for g in self._rows("consumer_groups")]
        doc["plugins"] = _sorted_plugins(self._plugin(p, None) for p in self.top_plugins)
        doc["upstreams"] = [self._upstream(u) for u in self._rows("upstreams")]
        doc["certificates"] = [self._certificate(c) for c in self._rows("certificates")]
        doc["keys"] = [self._key(k) for k in self._rows("keys")]
        for kind in _TOP:
            doc[kind] = [clean(kind, e) for e in self._rows(kind)]
        return {key: value for key, value in doc.items() if value or key.startswith("_")}

    def _rows(self, kind: str) -> list[dict[str, Any]]:
        return sorted(self.by_id.get(kind, {}).values(), key=lambda e: _sort_key(kind, e))

    def _under(self, kind: str, parent_field: str, parent_id: str) -> list[dict[str, Any]]:
        found = self._children_index(kind, parent_field).get(parent_id, [])
        return sorted(found, key=lambda e: _sort_key(kind, e))

    def _children_index(self, kind: str, parent_field: str) -> dict[str, list[dict[str, Any]]]:
        index = self.children.get((kind, parent_field))
        if index is None:
            index = {}
            for entity in self.by_id.get(kind, {}).values():
                parent = entity.get(parent_field)
                if isinstance(parent, dict) and parent.get("id"):
                    index.setdefault(parent["id"], []).append(entity)
            self.children[(kind, parent_field)] = index
        return index

    def _place_plugins(self, plugins: Iterable[dict[str, Any]]) -> None:
        nested: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        for plugin in plugins:
            scopes = [name for name in PLUGIN_SCOPES if plugin.get(name)]
            if len(scopes) == 1:
                by_parent = nested.setdefault(("plugins", scopes[0]), {})
                by_parent.setdefault(plugin[scopes[0]]["id"], []).append(plugin)
            else:
                self.top_plugins.append(plugin)
        for scope in PLUGIN_SCOPES:
            self.children[("plugins", scope)] = nested.get(("plugins", scope), {})

    def _nested_plugins(self, scope: str, parent_id: str) -> list[dict[str, Any]]:
        return _sorted_plugins(
            self._plugin(p, scope) for p in self.children[("plugins", scope)].get(parent_id, [])
        )

    def _service(self, service: dict[str, Any]) -> dict[str, Any]:
        entry = clean("services", service)
        _put(
            entry,
            "routes",
            [self._route(r) for r in self._under("routes", "service", service["id"])],
        )
        _put(entry, "plugins", self._nested_plugins("service", service["id"]))
        return entry

    def _route(self, route: dict[str, Any]) -> dict[str, Any]:
        entry = clean("routes", route, drop="service")
        _put(entry, "plugins", self._nested_plugins("route", route["id"]))
        return entry

    def _consumer(self, consumer: dict[str, Any]) -> dict[str, Any]:
        entry = clean("consumers", consumer)
        for kind in CREDENTIALS:
            credentials = self._under(kind, "consumer", consumer["id"])
            _put(entry, kind, [clean(kind, c, drop="consumer") for c in credentials])
        memberships = self._under(shapes.MEMBERSHIP, "consumer", consumer["id"])
        groups = [self._ref("consumer_groups", m["consumer_group"]) for m in memberships]
        _put(entry, "groups", sorted(groups, key=lambda g: str(g.get("name", g.get("id")))))
        _put(entry, "plugins", self._nested_plugins("consumer", consumer["id"]))
        return entry

    def _consumer_group(self, group: dict[str, Any]) -> dict[str, Any]:
        entry = clean("consumer_groups", group)
        _put(entry, "plugins", self._nested_plugins("consumer_group", group["id"]))
        return entry

    def _plugin(self, plugin: dict[str, Any], nested_in: str | None) -> dict[str, Any]:
        entry = clean("plugins", plugin, drop=nested_in)
        for scope in PLUGIN_SCOPES:
            if scope != nested_in and plugin.get(scope):
                entry[scope] = self._name_or_id(_SCOPE_TYPES[scope], plugin[scope]["id"])
        return entry

    def _upstream(self, upstream: dict[str, Any]) -> dict[str, Any]:
        entry = clean("upstreams", upstream)
        targets = self._under("targets", "upstream", upstream["id"])
        _put(entry, "targets", [clean("targets", t, drop="upstream") for t in targets])
        return entry

    def _certificate(self, certificate: dict[str, Any]) -> dict[str, Any]:
        entry = clean("certificates", certificate)
        snis = self._under("snis", "certificate", certificate["id"])
        _put(entry, "snis", [clean("snis", s, drop="certificate") for s in snis])
        return entry

    def _key(self, key: dict[str, Any]) -> dict[str, Any]:
        entry = clean("keys", key)
        if key.get("set"):
            entry["set"] = self._ref("key_sets", key["set"])
        return entry

    def _ref(self, kind: str, ref: dict[str, Any]) -> dict[str, Any]:
        """A reference as decK writes one: by name when the target has one."""
        target = self.by_id.get(kind, {}).get(ref["id"], {})
        naming = get_schema(kind).endpoint_key
        if naming and target.get(naming):
            return {naming: target[naming]}
        return {"id": ref["id"]}

    def _name_or_id(self, kind: str, entity_id: str) -> str:
        return str(next(iter(self._ref(kind, {"id": entity_id}).values())))


_SCOPE_TYPES = {
    "service": "services",
    "route": "routes",
    "consumer": "consumers",
    "consumer_group": "consumer_groups",
}


def clean(kind: str, entity: dict[str, Any], drop: str | None = None) -> dict[str, Any]:
    """The entity as a file entry: no timestamps, no parent, no nulls that are the default."""
    record = get_schema(kind).record_for(entity)
    entry: dict[str, Any] = {}
    for name, value in entity.items():
        if name in ("created_at", "updated_at") or name == drop:
            continue
        field = record.by_name.get(name)
        if value is None and (field is None or field.missing_value() is None):
            continue
        entry[name] = value
    return entry


def _put(entry: dict[str, Any], key: str, items: list[dict[str, Any]]) -> None:
    if items:
        entry[key] = items


def _sort_key(kind: str, entity: dict[str, Any]) -> tuple[str, str]:
    naming = shapes.NAMING_FIELDS.get(kind)
    if kind == "certificates":
        naming = "cert"
    name = entity.get(naming) if naming else None
    return (str(name) if name is not None else "", str(entity.get("id")))


def _sorted_plugins(plugins: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(plugin: dict[str, Any]) -> tuple[str, ...]:
        scopes = tuple(str(plugin.get(scope) or "") for scope in PLUGIN_SCOPES)
        return (
            str(plugin.get("name")),
            str(plugin.get("instance_name") or ""),
            *scopes,
            plugin["id"],
        )

    return sorted(plugins, key=key)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """YAML as decK writes it: block style, and multi-line strings (PEM) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(document: dict[str, Any], fmt: str) -> str:
    """The document as text; ``fmt`` is "yaml" or "json". Keys are sorted, as decK sorts them."""
    if fmt == "json":
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=100000,
    )
