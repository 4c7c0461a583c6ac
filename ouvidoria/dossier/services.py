"""The signed case dossier: render the case as its viewer may read it (WeasyPrint, like the reports), sign it as
PAdES with the entity's certificate (pyHanko), record who took it; and verify a dossier handed back.

PAdES-B-B: the signing certificate and the signed attributes in a CAdES detached signature (ETSI EN 319 142-1).
B-T would add a time-stamp from a TSA; none is configured (the installation makes no outside calls), so the time
the dossier states is the signer's own, as in B-B.
"""

import contextlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ouvidoria.accounts.disclosure import CaseView, personal_data_record
from ouvidoria.cases.models import Event
from ouvidoria.dossier import credentials
from ouvidoria.dossier.selectors import dossier_allowed, dossier_content

FIELD_NAME = "DossieOuvidoria"
# The signature's reason names the protocol: it lies inside the signed revision, so verification reads it from there.
REASON = "Dossiê da manifestação {protocol}"
_PROTOCOL_IN_REASON = re.compile(r"manifestação\s+(\S+)")


class DossierRefused(Exception):
    """The dossier cannot be made: the message (Portuguese) says why."""


@dataclass(frozen=True)
class Dossier:
    pdf: bytes
    filename: str
    development: bool
    sha256: str


def dossier_render(content: dict[str, Any], *, generated_by: str, development: bool) -> bytes:
    """The dossier's PDF, unsigned, from ``selectors.dossier_content``."""
    from weasyprint import HTML

    context = dict(content)
    context.update(
        generated_at=timezone.localtime(),
        generated_by=generated_by,
        development=development,
        development_label=credentials.DEVELOPMENT_LABEL,
    )
    html = render_to_string("dossier/pdf.html", context)
    return bytes(HTML(string=html).write_pdf())


def dossier_sign(pdf: bytes, *, protocol: str, entity_name: str, credential: credentials.Credential) -> bytes:
    """``pdf`` with a PAdES certification signature by ``credential``: any later change shows on verification."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=REASON.format(protocol=protocol),
        location=entity_name,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    out = signers.sign_pdf(writer, meta, signer=credential.signer())
    return bytes(out.getvalue())


@transaction.atomic
def dossier_generate(*, view: CaseView, user: Any, full: bool = False, ip_address: str | None = None) -> Dossier:
    """The signed dossier of the case for ``user``; its generation goes on the case's timeline ("Dossiê gerado por
    …") and the identity it shows in clear on the record of reads (channel "dossier")."""
    import hashlib

    if not dossier_allowed(view):
        raise DossierRefused("Seu papel não lê a manifestação inteira: o dossiê não está disponível para ele.")
    try:
        credential = credentials.signing_credential()
    except credentials.CredentialMissing as exc:
        raise DossierRefused(str(exc)) from exc
    m = view.manifestation
    full = full and view.sees_identity
    who = user.get_full_name() if hasattr(user, "get_full_name") else ""
    label = f"{who} ({user.get_username()})" if who else user.get_username()
    content = dossier_content(view, full=full)
    pdf = dossier_render(content, generated_by=label, development=credential.development)
    signed = dossier_sign(pdf, protocol=m.formatted_protocol, entity_name=m.entity.name, credential=credential)
    digest = hashlib.sha256(signed).hexdigest()
    personal_data_record(
        user=user,
        reads=[(m, view.read_in_clear(full=full, texts=content["texts"]))],
        channel="dossier",
        ip_address=ip_address,
    )
    token = getattr(user, "token", None)
    Event.objects.create(
        manifestation=m,
        kind="dossier",
        created_at=timezone.now(),
        actor=None if token is not None else user,
        actor_label=user.get_username()[:120],
        body=f"Dossiê gerado por {label}.",
        params={"sha256": digest, "full_identity": full, "development_certificate": credential.development},
    )
    return Dossier(pdf=signed, filename=f"dossie-{m.protocol}.pdf", development=credential.development, sha256=digest)


# --- Verification ----------------------------------------------------------------------------------------------


@dataclass
class Verification:
    """What a dossier's signature says, in the inspector's terms."""

    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature over that hash verifies with the signer's key
    trusted: bool  # the signer's certificate chains to a trusted root (the configured certificate or its CA)
    modified: bool  # changed after signing (bytes appended that alter the document)
    coverage: str
    signer: str
    signed_at: datetime | None
    protocol: str
    development: bool
    signatures: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.modified


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [f"Arquivo: {message}"]})


def _trust_roots() -> list[Any]:
    roots = credentials.extra_trust_roots()
    with contextlib.suppress(credentials.CredentialMissing):
        roots += credentials.signing_credential().certificates()
    return roots


def dossier_verify(data: bytes) -> Verification:
    """Verify a signed dossier; a file that is not a signed PDF is a ``ValidationError`` on ``file``."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if len(data) > settings.DOSSIER_VERIFY_MAX_BYTES:
        limit = settings.DOSSIER_VERIFY_MAX_BYTES // (1024 * 1024)
        raise _file_error(f"o PDF passa de {limit} MB, o maior que a verificação aceita.")
    if not data.lstrip()[:5] == b"%PDF-":
        raise _file_error("não é um PDF.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # PdfError, zlib.error, …: a file that cannot be read is the upload's fault, not a 500
        raise _file_error("o PDF está danificado e não pôde ser lido.") from exc
    if not signatures:
        raise _file_error("o PDF não tem assinatura digital.")
    ours = signatures[0]
    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(ours, context)
    except Exception as exc:  # a signature pyHanko cannot even parse is an invalid one, not a server error
        return Verification(
            intact=False,
            valid=False,
            trusted=False,
            modified=True,
            coverage="",
            signer="",
            signed_at=None,
            protocol="",
            development=False,
            signatures=len(signatures),
            problems=[f"A assinatura não pôde ser verificada ({type(exc).__name__})."],
        )
    reason = str(ours.sig_object.get("/Reason", ""))
    found = _PROTOCOL_IN_REASON.search(reason)
    coverage = status.coverage
    modified = coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) > 1
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else ""
    problems = []
    if not status.intact:
        problems.append("O conteúdo assinado foi alterado: o resumo (hash) não confere.")
    elif not status.valid:
        problems.append("A assinatura não confere com o certificado do signatário.")
    if not status.trusted:
        problems.append("O certificado do signatário não é o da entidade nem de uma autoridade configurada.")
    if modified:
        problems.append("O documento recebeu alterações depois de assinado.")
    return Verification(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modified=modified,
        coverage=COVERAGE_LABELS.get(coverage.name, coverage.name) if coverage is not None else "",
        signer=signer,
        signed_at=status.signer_reported_dt,
        protocol=found.group(1) if found else "",
        development=credentials.DEVELOPMENT_SUBJECT in signer,
        signatures=len(signatures),
        problems=problems,
    )


COVERAGE_LABELS = {
    "ENTIRE_FILE": "a assinatura cobre o arquivo inteiro",
    "ENTIRE_REVISION": "a assinatura cobre só uma versão anterior: há conteúdo acrescentado depois",
    "CONTIGUOUS_BLOCK_FROM_START": "a assinatura cobre só o início do arquivo",
    "UNCLEAR": "cobertura da assinatura indefinida",
}
