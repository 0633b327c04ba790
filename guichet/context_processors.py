from django.utils.functional import SimpleLazyObject

from .navigation import navigation


def guichet(request):
    """The current guichet, membership and navigation, for the layout."""
    return {
        "guichet": getattr(request, "guichet", None),
        "membre": getattr(request, "membre", None),
        "navigation": SimpleLazyObject(lambda: navigation(request)),
    }
