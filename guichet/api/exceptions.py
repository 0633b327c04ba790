from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from .parsers import RequeteTropGrande


def exception_handler(exc, context):
    """Services raise Django's ValidationError: answer it as DRF does, 400 ``{"field": ["message"]}``.

    Also in JSON and in French: "not found" whatever raised it (``get_object_or_404`` would name the model, in
    English), and Django's refusals of a request body (too large, too many fields), which would otherwise answer a
    bare HTML 400."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    elif isinstance(exc, exceptions.NotFound | Http404):
        exc = exceptions.NotFound("Pas trouvé.")
    elif isinstance(exc, RequestDataTooBig):
        exc = RequeteTropGrande(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError("Le formulaire compte trop de champs ou de fichiers.")
    return drf_exception_handler(exc, context)
