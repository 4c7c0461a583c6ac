"""Downloads of stored files: decrypted streaming, authenticated before the first byte goes out."""

import logging

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ouvidoria.privacy.files import FileUnreadable, PlainReader, plain_verified

logger = logging.getLogger(__name__)

# 409: the stored bytes conflict with what was recorded for them. A server-side problem, but one named on a page,
# not a trace (and never confused with "not found").
UNREADABLE_STATUS = 409


class PlainFileResponse(FileResponse):
    block_size = 64 * 1024


def stored_file_open(stored: FieldFile, *, what: str) -> tuple[PlainReader, int] | str:
    """The verified plaintext reader and its length, or the Portuguese reason it cannot be served.

    ``what`` names the file in the log ("attachment 12"): never its name or content, which may carry personal data.
    """
    if not stored.name:
        return _("O arquivo não está mais guardado (descartado pela política de retenção).")
    try:
        raw = stored.storage.open_raw(stored.name)  # type: ignore[attr-defined]
    except FileNotFoundError:
        logger.error("stored file missing: %s", what)
        return _("O arquivo não foi encontrado no armazenamento. Avise o administrador.")
    try:
        return plain_verified(raw)
    except FileUnreadable as exc:
        raw.close()
        logger.error("stored file failed authentication: %s: %s", what, exc)
        return _(
            "O arquivo guardado não passou na verificação de integridade (foi alterado ou corrompido) e não pode "
            "ser entregue. O ocorrido foi registrado; avise o administrador."
        )


def stored_file_response(
    request: HttpRequest, stored: FieldFile, *, what: str, filename: str, content_type: str
) -> HttpResponse | FileResponse:
    """The plaintext as a download (the same headers as before encryption), or a page saying why not."""
    opened = stored_file_open(stored, what=what)
    if isinstance(opened, str):
        return render(
            request,
            "privacy/file_unreadable.html",
            {"title": _("Arquivo indisponível"), "message": opened, "code": UNREADABLE_STATUS},
            status=UNREADABLE_STATUS,
        )
    reader, length = opened
    response = PlainFileResponse(reader, as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Length"] = str(length)
    return response
