from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed

_CACHE_ATTR = "_token_authentication"


def authenticate_token_once(request):
    """Authenticate ``Authorization: Token <key>`` once per request and remember the outcome.

    The guichet middleware needs the user before DRF runs (to check membership); DRF's authentication
    class below then reuses the same outcome instead of querying the token again.
    """
    if not hasattr(request, _CACHE_ATTR):
        try:
            result = authentication.TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            result = None
        setattr(request, _CACHE_ATTR, result)
    result = getattr(request, _CACHE_ATTR)
    return result[0] if result else None


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        cached = getattr(request._request, _CACHE_ATTR, None)
        if cached:
            return cached
        return super().authenticate(request)
