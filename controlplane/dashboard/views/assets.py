"""The dashboard's own static files (CSS, vendored htmx), served by the app itself.

konnectlite runs as one daphne process with no web server in front of it, and its static
files are a handful of small files, so Django's static view serves them in every mode.
"""

from django.contrib.staticfiles.views import serve
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

MAX_AGE_SECONDS = 300


@require_GET
def static_file(request: HttpRequest, path: str) -> HttpResponseBase:
    response = serve(request, path, insecure=True)
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    return response
