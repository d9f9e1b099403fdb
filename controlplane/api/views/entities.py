"""Kong Admin API semantics for every entity type, under a control plane's base URL.

``/v2/control-planes/{cp}/core-entities/{collection}[/{id or name}[/{child}[/{id or name}]]]``
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import entity_paths, queries
from controlplane.api import schema
from controlplane.api.base import OrgAPIView, actor_label
from controlplane.api.bodies import entity_payload
from controlplane.errors import NotFound
from controlplane.models import ControlPlane, Entity
from controlplane.services import entities as entity_service


def _collection_type(collection: str) -> str:
    entity_type = entity_paths.entity_type_for(collection)
    if entity_type is None:
        raise NotFound(f"unknown entity type '{collection}'")
    return entity_type


def _page_response(request: Request, page: queries.Page) -> Response:
    next_url = None
    if page.offset is not None:
        params = request.query_params.copy()
        params["offset"] = page.offset
        next_url = f"{request.path}?{params.urlencode()}"
    body: dict[str, Any] = {"data": page.data, "next": next_url}
    if page.offset is not None:
        body["offset"] = page.offset
    return Response(body)


def list_response(request: Request, rows: Any) -> Response:
    """One page of ``rows`` as Kong lists entities: ``{data, next[, offset]}``, tag-filtered."""
    rows = queries.filter_tags(rows, request.query_params.get("tags"))
    page = queries.paginate(
        rows, request.query_params.get("size"), request.query_params.get("offset")
    )
    return _page_response(request, page)


class EntityCollectionView(OrgAPIView):
    """GET lists, POST creates: ``/{collection}``."""

    @schema.list_entities
    def get(self, request: Request, cp_id: str, collection: str) -> Response:
        entity_type = _collection_type(collection)
        return list_response(request, queries.entities(self.control_plane(), entity_type))

    @schema.create_entity
    def post(self, request: Request, cp_id: str, collection: str) -> Response:
        entity_type = _collection_type(collection)
        payload = entity_payload(request, entity_type)
        data = entity_service.create_entity(
            self.control_plane(), entity_type, payload, actor=actor_label(request)
        )
        return Response(data, status=201)


class EntityItemView(OrgAPIView):
    """GET, PUT (upsert), PATCH and DELETE on ``/{collection}/{id or name}``."""

    @schema.show_entity
    def get(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        row = entity_service.require(self.control_plane(), _collection_type(collection), key)
        return Response(row.data)

    @schema.replace_entity
    def put(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        entity_type = _collection_type(collection)
        data, _ = entity_service.upsert_entity(
            self.control_plane(),
            entity_type,
            key,
            entity_payload(request, entity_type),
            actor=actor_label(request),
        )
        # Kong answers 200 to a PUT whether it created or replaced the entity.
        return Response(data)

    @schema.update_entity
    def patch(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        entity_type = _collection_type(collection)
        data = entity_service.update_entity(
            self.control_plane(),
            entity_type,
            key,
            entity_payload(request, entity_type),
            actor=actor_label(request),
        )
        return Response(data)

    def delete(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        entity_type = _collection_type(collection)
        entity_service.delete_entity(
            self.control_plane(), entity_type, key, actor=actor_label(request)
        )
        return Response(status=204)


class NestedCollectionView(OrgAPIView):
    """``/{parent collection}/{id or name}/{child}``: the children of one entity.

    ``/routes/{x}/service`` is the one-to-one case: the route's service itself.
    """

    @schema.list_entities
    def get(self, request: Request, cp_id: str, collection: str, key: str, child: str) -> Response:
        cp = self.control_plane()
        if (collection, child) == ("routes", "service"):
            return Response(_route_service(cp, key).data)
        parent, child_type, field = _parent(cp, collection, key, child)
        return list_response(
            request, queries.entities(cp, child_type, parent=parent, parent_field=field)
        )

    @schema.create_entity
    def post(self, request: Request, cp_id: str, collection: str, key: str, child: str) -> Response:
        cp = self.control_plane()
        parent, child_type, field = _parent(cp, collection, key, child)
        payload = entity_payload(request, child_type)
        payload[field] = {"id": str(parent.entity_id)}
        data = entity_service.create_entity(cp, child_type, payload, actor=actor_label(request))
        return Response(data, status=201)

    @schema.update_entity
    def patch(
        self, request: Request, cp_id: str, collection: str, key: str, child: str
    ) -> Response:
        cp = self.control_plane()
        if (collection, child) != ("routes", "service"):
            raise NotFound()
        service = _route_service(cp, key)
        data = entity_service.update_entity(
            cp,
            "services",
            str(service.entity_id),
            entity_payload(request, "services"),
            actor=actor_label(request),
        )
        return Response(data)


class NestedItemView(OrgAPIView):
    """``/{parent collection}/{id or name}/{child}/{id or name}``: one child of one entity."""

    def _child(
        self, cp: ControlPlane, collection: str, key: str, child: str, child_key: str
    ) -> tuple[str, Entity]:
        parent, child_type, field = _parent(cp, collection, key, child)
        row = entity_service.require(cp, child_type, child_key)
        if (row.data.get(field) or {}).get("id") != str(parent.entity_id):
            raise NotFound()
        return child_type, row

    @schema.show_entity
    def get(
        self, request: Request, cp_id: str, collection: str, key: str, child: str, child_key: str
    ) -> Response:
        _, row = self._child(self.control_plane(), collection, key, child, child_key)
        return Response(row.data)

    @schema.replace_entity
    def put(
        self, request: Request, cp_id: str, collection: str, key: str, child: str, child_key: str
    ) -> Response:
        cp = self.control_plane()
        parent, child_type, field = _parent(cp, collection, key, child)
        payload = entity_payload(request, child_type)
        payload[field] = {"id": str(parent.entity_id)}
        data, _ = entity_service.upsert_entity(
            cp, child_type, child_key, payload, actor=actor_label(request)
        )
        return Response(data)

    @schema.update_entity
    def patch(
        self, request: Request, cp_id: str, collection: str, key: str, child: str, child_key: str
    ) -> Response:
        cp = self.control_plane()
        child_type, row = self._child(cp, collection, key, child, child_key)
        data = entity_service.update_entity(
            cp,
            child_type,
            str(row.entity_id),
            entity_payload(request, child_type),
            actor=actor_label(request),
        )
        return Response(data)

    def delete(
        self, request: Request, cp_id: str, collection: str, key: str, child: str, child_key: str
    ) -> Response:
        cp = self.control_plane()
        try:
            child_type, row = self._child(cp, collection, key, child, child_key)
        except NotFound:
            return Response(status=204)
        entity_service.delete_entity(cp, child_type, str(row.entity_id), actor=actor_label(request))
        return Response(status=204)


def _parent(cp: ControlPlane, collection: str, key: str, child: str) -> tuple[Entity, str, str]:
    nested = entity_paths.nested_for(collection, child)
    if nested is None:
        raise NotFound(f"unknown path '{collection}/{{id}}/{child}'")
    child_type, field = nested
    parent = entity_service.require(cp, _collection_type(collection), key)
    return parent, child_type, field


def _route_service(cp: ControlPlane, key: str) -> Entity:
    route = entity_service.require(cp, "routes", key)
    ref = route.data.get("service")
    if not ref:
        raise NotFound("the route has no service")
    return entity_service.require(cp, "services", ref["id"])
