"""Which files a manifestation may carry, judged by their content and not by their name.

Seed 001 "Arquivo das Manifestações Analisadas" (documents kept with the case: scans, reports, agreements, payment
receipts; phone recordings) and "Atendimento das Solicitações" (complaints should bring supporting evidence).
"""

import puremagic

from ouvidoria.rules.errors import RuleViolation

ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "imagem PNG",
    "image/jpeg": "imagem JPEG",
    "image/gif": "imagem GIF",
    "image/webp": "imagem WebP",
    "image/tiff": "imagem TIFF",
    "text/plain": "texto",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "documento Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "planilha Excel",
    "application/vnd.oasis.opendocument.text": "documento ODF",
    "application/vnd.oasis.opendocument.spreadsheet": "planilha ODF",
    "audio/mpeg": "áudio MP3",
    "audio/wav": "áudio WAV",
    "audio/x-wav": "áudio WAV",
    "audio/ogg": "áudio OGG",
}


def sniff_content_type(head: bytes) -> str:
    """The MIME type of a file from its first bytes; plain text when it has no signature but decodes as text."""
    try:
        return str(puremagic.from_string(head, mime=True))
    except puremagic.PureError:
        pass
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut in the middle of a multi-byte character at the end of the sample is still text.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return "application/octet-stream"
        return "text/plain"
    return "application/octet-stream"


def check_attachment(*, head: bytes, size: int, max_bytes: int) -> str:
    """Return the detected content type, or refuse the file with a message the requester understands."""
    if size == 0:
        raise RuleViolation("file", "O arquivo está vazio.")
    if size > max_bytes:
        raise RuleViolation("file", f"Arquivo grande demais: o limite é {max_bytes // (1024 * 1024)} MB.")
    content_type = sniff_content_type(head)
    if content_type not in ALLOWED_TYPES:
        accepted = ", ".join(sorted(set(ALLOWED_TYPES.values())))
        raise RuleViolation("file", f"Tipo de arquivo não aceito. Aceitos: {accepted}.")
    return content_type
