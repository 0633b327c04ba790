from rest_framework.permissions import SAFE_METHODS, BasePermission


class GuichetPermission(BasePermission):
    """Checks the member's permission code for the action (the API twin of ``GuichetMixin``).

    A viewset names ``permission_view`` (safe methods) and ``permission_change`` (writes), and may map
    extra actions to their own code in ``permission_actions``. The middleware has already answered 404
    to anyone who is not a member of the URL's guichet.
    """

    message = "Votre rôle ne permet pas cette action."

    def has_permission(self, request, view):
        membre = getattr(request._request, "membre", None)
        if membre is None or membre.utilisateur_id != request.user.pk:
            return False
        code = required_code(request, view)
        return code is not None and membre.has_perm(code)


def required_code(request, view):
    action = getattr(view, "action", None)
    actions = getattr(view, "permission_actions", {})
    if action in actions:
        return actions[action]
    if request.method in SAFE_METHODS:
        return view.permission_view
    return view.permission_change
