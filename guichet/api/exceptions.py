from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Services raise Django's ValidationError: answer it as DRF does, 400 ``{"field": ["message"]}``."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    elif isinstance(exc, exceptions.NotFound):
        exc = exceptions.NotFound("Pas trouvé.")
    return drf_exception_handler(exc, context)
