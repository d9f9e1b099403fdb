"""``GET {base}/``: Kong's root information, for Admin API clients that read it first."""

from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.base import OrgAPIView
from controlplane.models import Entity
from kongcore.schema import plugin_names

# The Kong Gateway release whose Admin API and entity schemas konnectlite follows.
KONG_COMPATIBLE_VERSION = "3.9.0"


class CoreRootView(OrgAPIView):
    def get(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        names = Entity.objects.filter(control_plane=cp, entity_type="plugins").values_list(
            "data__name", flat=True
        )
        enabled = sorted({str(name) for name in names.distinct()})
        return Response(
            {
                "version": KONG_COMPATIBLE_VERSION,
                "edition": "community",
                "tagline": "Welcome to konnectlite",
                "node_id": str(cp.pk),
                "hostname": request.get_host(),
                "configuration": {
                    "database": "konnectlite",
                    "role": "control_plane",
                    "incremental_sync": cp.incremental_sync,
                    "config_version": cp.config_version,
                },
                "plugins": {
                    "available_on_server": {
                        name: {"version": KONG_COMPATIBLE_VERSION} for name in plugin_names()
                    },
                    "enabled_in_cluster": enabled,
                },
            }
        )


class EnabledPluginsView(OrgAPIView):
    """``GET {base}/plugins/enabled``: the plugins this control plane can configure.

    Kong lists the plugins its node loaded; a control plane offers every bundled one.
    """

    def get(self, request: Request, cp_id: str) -> Response:
        self.control_plane()  # 404 for a control plane of another organization
        return Response({"enabled_plugins": plugin_names()})
