"""``/certificates``: the generic entity endpoints, plus Kong's ``snis`` pseudo-field.

Writes take ``"snis": [names]`` (the services create or replace the SNI entities in the
same version); every answer shows each certificate with the names of its SNIs. The URLs
route here with ``collection="certificates"``, so the generic views do all the rest.
"""

from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api import schema
from controlplane.api.views.entities import EntityCollectionView, EntityItemView
from controlplane.services.certificates import with_snis


class CertificateCollectionView(EntityCollectionView):
    @schema.list_entities
    def get(self, request: Request, cp_id: str, collection: str) -> Response:
        response = super().get(request, cp_id, collection)
        response.data["data"] = with_snis(self.control_plane(), response.data["data"])
        return response

    @schema.create_entity
    def post(self, request: Request, cp_id: str, collection: str) -> Response:
        return _shown(self, super().post(request, cp_id, collection))


class CertificateItemView(EntityItemView):
    @schema.show_entity
    def get(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        return _shown(self, super().get(request, cp_id, collection, key))

    @schema.replace_entity
    def put(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        return _shown(self, super().put(request, cp_id, collection, key))

    @schema.update_entity
    def patch(self, request: Request, cp_id: str, collection: str, key: str) -> Response:
        return _shown(self, super().patch(request, cp_id, collection, key))


def _shown(view: EntityCollectionView | EntityItemView, response: Response) -> Response:
    (response.data,) = with_snis(view.control_plane(), [response.data])
    return response
