"""Consumer-group membership endpoints, as Kong has them.

``/consumer_groups/{group}/consumers[/{consumer}]`` and
``/consumers/{consumer}/consumer_groups[/{group}]``. POST takes ``{"consumer": id-or-name}``
(or ``{"group": ...}``), a single value or a list. Lists are paginated like every other
list (``{data, next}``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.base import OrgAPIView, actor_label
from controlplane.api.bodies import BadRequest, json_object
from controlplane.api.schema import (
    ADD_CONSUMER_EXAMPLES,
    JOIN_GROUP_EXAMPLES,
    PAGE,
    TAGS,
    EntityPageSerializer,
    documented,
)
from controlplane.api.views.entities import list_response
from controlplane.services import consumer_groups as membership
from controlplane.services.consumer_groups import CONSUMER, GROUP


def _keys(request: Request, name: str) -> list[str]:
    value = json_object(request).get(name)
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    raise BadRequest(f"must provide {name}")


class GroupConsumersView(OrgAPIView):
    """``/consumer_groups/{group}/consumers``: list, add, or remove all."""

    @extend_schema(**documented("GET", EntityPageSerializer, parameters=[*PAGE, TAGS]))
    def get(self, request: Request, cp_id: str, group: str) -> Response:
        cp = self.control_plane()
        row = membership.find(cp, GROUP, group)
        return list_response(request, membership.members(cp, GROUP, row))

    @extend_schema(
        **documented(
            "POST", OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT, examples=ADD_CONSUMER_EXAMPLES
        )
    )
    def post(self, request: Request, cp_id: str, group: str) -> Response:
        found, consumers = membership.add_consumers_to_group(
            self.control_plane(), group, _keys(request, "consumer"), actor=actor_label(request)
        )
        return Response({"consumer_group": found, "consumers": consumers}, status=201)

    def delete(self, request: Request, cp_id: str, group: str) -> Response:
        membership.clear_memberships(self.control_plane(), GROUP, group, actor=actor_label(request))
        return Response(status=204)


class ConsumerGroupsView(OrgAPIView):
    """``/consumers/{consumer}/consumer_groups``: list, join, or leave all."""

    @extend_schema(**documented("GET", EntityPageSerializer, parameters=[*PAGE, TAGS]))
    def get(self, request: Request, cp_id: str, consumer: str) -> Response:
        cp = self.control_plane()
        row = membership.find(cp, CONSUMER, consumer)
        return list_response(request, membership.members(cp, CONSUMER, row))

    @extend_schema(
        **documented(
            "POST", OpenApiTypes.OBJECT, request=OpenApiTypes.OBJECT, examples=JOIN_GROUP_EXAMPLES
        )
    )
    def post(self, request: Request, cp_id: str, consumer: str) -> Response:
        found, groups = membership.add_consumer_to_groups(
            self.control_plane(), consumer, _keys(request, "group"), actor=actor_label(request)
        )
        return Response({"consumer_groups": groups, "consumer": found}, status=201)

    def delete(self, request: Request, cp_id: str, consumer: str) -> Response:
        membership.clear_memberships(
            self.control_plane(), CONSUMER, consumer, actor=actor_label(request)
        )
        return Response(status=204)


class MembershipView(OrgAPIView):
    """One membership: GET shows the side the path ends on, DELETE ends the membership."""

    shows = CONSUMER

    def get(self, request: Request, cp_id: str, group: str, consumer: str) -> Response:
        cp = self.control_plane()
        found_group = membership.find(cp, GROUP, group)
        found_consumer = membership.find(cp, CONSUMER, consumer)
        if membership.membership_of(cp, found_group, found_consumer) is None:
            raise membership.not_a_member(found_group, found_consumer)
        if self.shows == CONSUMER:
            return Response({"consumer": found_consumer.data})
        return Response({"consumer_group": found_group.data})

    def delete(self, request: Request, cp_id: str, group: str, consumer: str) -> Response:
        membership.remove_membership(
            self.control_plane(), group, consumer, actor=actor_label(request)
        )
        return Response(status=204)


class GroupConsumerView(MembershipView):
    """``/consumer_groups/{group}/consumers/{consumer}``."""

    shows = CONSUMER


class ConsumerGroupView(MembershipView):
    """``/consumers/{consumer}/consumer_groups/{group}``."""

    shows = GROUP
