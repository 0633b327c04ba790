"""The site's URLs plus ``/__plancher__/``, a view that answers « ok » through the same gunicorn and middleware:
the floor the pages are measured against (``bench/charge.py``)."""

from django.http import HttpResponse
from django.urls import include, path


def plancher(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__plancher__/", plancher),
    path("", include("guichet.urls")),
]
