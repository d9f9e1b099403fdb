from django.urls import include, path

from controlplane import http_errors, monitoring

urlpatterns = [
    path("metrics", monitoring.serve_metrics, name="metrics"),
    path("", include("controlplane.api.urls")),
    path("", include("controlplane.dashboard.urls")),
]

# Kong's JSON error body on API paths, Django's plain pages on the dashboard's.
handler400 = http_errors.bad_request
handler403 = http_errors.permission_denied
handler404 = http_errors.page_not_found
handler500 = http_errors.server_error
