"""Bad input answers 400 with a Portuguese message per field, never 500."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body: Any = exc.message_dict
        else:
            body = {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ParseError) and not isinstance(exc.detail, dict):
        # Our parsers (ouvidoria/api/parsers.py) name the problem; any other parse error carries DRF's English.
        return Response(
            {"body": ["Corpo da requisição ilegível: envie JSON válido (ou multipart/form-data para anexos)."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, UnsupportedMediaType):
        return Response(
            {"Content-Type": [f"Tipo de conteúdo não aceito: {exc.detail}. Use application/json."]},
            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    return drf_exception_handler(exc, context)


@csrf_exempt  # it changes nothing; without this a POST to an unknown address got the CSRF refusal's HTML 403
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under /api/: the API's JSON 404, not Django's HTML page (an address missing only its
    final slash is redirected, keeping the method, as Django's APPEND_SLASH would)."""
    from django.http import HttpResponsePermanentRedirect, JsonResponse
    from django.urls import Resolver404, resolve

    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-not-found":
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
            response.status_code = 308
            return response
    return JsonResponse(
        {"detail": "Endereço não encontrado na API. Veja /api/docs/."},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
