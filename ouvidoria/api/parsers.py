"""Request parsers that say, in Portuguese and under the key ``body``, what is wrong with an unreadable body.

DRF's own parsers answer in the parser's English ("JSON parse error - Expecting value: line 1 column 2 (char 1)",
"Multipart form parse error - Invalid boundary in multipart: None"), and Django's multipart limits escape them
as a SuspiciousOperation that Django renders as an English HTML 400.
"""

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def unreadable(message: str) -> ParseError:
    return ParseError({"body": [message]})


def _charset_problem(exc: Exception) -> ParseError | None:
    """DRF refuses a charset that is not a text encoding (``charset=base64``) before parsing
    (rest_framework.parsers.get_encoding)."""
    if isinstance(exc, ParseError) and isinstance(exc.__context__, LookupError) and "charset" in str(exc.detail):
        return unreadable("Charset não aceito no cabeçalho Content-Type: use charset=utf-8.")
    return None


class _NamesTheProblem(parsers.BaseParser):
    refused: tuple[type[Exception], ...] = (ParseError,)

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except self.refused as exc:
            raise _charset_problem(exc) or self.problem(exc) from exc

    def problem(self, exc: Exception) -> ParseError:
        raise NotImplementedError


class JSONParser(_NamesTheProblem, parsers.JSONParser):
    def problem(self, exc: Exception) -> ParseError:
        cause = exc.__context__
        if isinstance(cause, json.JSONDecodeError):
            return unreadable(
                f"JSON inválido na linha {cause.lineno}, coluna {cause.colno}: envie um objeto JSON válido."
            )
        if isinstance(cause, UnicodeDecodeError):
            return unreadable(f"O corpo não é texto UTF-8 válido (byte inválido na posição {cause.start}).")
        # rest_framework.utils.json.strict_constant: NaN, Infinity and -Infinity are not JSON.
        return unreadable("JSON inválido: NaN e Infinity não são números em JSON.")


class MultiPartParser(_NamesTheProblem, parsers.MultiPartParser):
    # Django's limits (DATA_UPLOAD_MAX_*) escape DRF's parser as SuspiciousOperation.
    refused = (ParseError, TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig)

    def problem(self, exc: Exception) -> ParseError:
        # The messages of django.http.multipartparser.MultiPartParser.
        text = str(exc.detail) if isinstance(exc, ParseError) else ""
        if isinstance(exc, TooManyFieldsSent):
            return unreadable("Campos demais no multipart/form-data.")
        if isinstance(exc, TooManyFilesSent):
            return unreadable("Arquivos demais no multipart/form-data: envie um por requisição.")
        if isinstance(exc, RequestDataTooBig):
            return unreadable("Campos de texto grandes demais no multipart/form-data.")
        if "boundary" in text:
            return unreadable("multipart/form-data sem boundary válido no cabeçalho Content-Type.")
        if "base64" in text:
            return unreadable("Parte do multipart/form-data em base64 ilegível.")
        if "header size" in text:
            return unreadable("Cabeçalhos das partes do multipart/form-data grandes demais.")
        return unreadable("multipart/form-data malformado: confira o Content-Type e as partes do corpo.")
