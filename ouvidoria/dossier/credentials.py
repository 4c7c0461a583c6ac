"""The signing credential of the dossier: the entity's certificate and key, from a PKCS#12 file (an ICP-Brasil A1
certificate, ``.pfx``, in production).

Settings: ``OUVIDORIA_DOSSIER_PKCS12`` (path) and ``OUVIDORIA_DOSSIER_PKCS12_PASSWORD``;
``OUVIDORIA_DOSSIER_TRUST_ROOTS`` (extra CA certificates, PEM or DER, e.g. the ICP-Brasil roots) for verification.
One credential per installation: an installation serves one entity or one economic group, whose single Ouvidoria
answers for every member (seed 002 art. 9). With nothing configured, development (DEBUG) makes and keeps a
self-signed certificate under ``var/``, marked as such on every dossier; production refuses.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_LABEL = "certificado de desenvolvimento — não vale para fiscalização"
DEVELOPMENT_SUBJECT = "Ouvidoria — certificado de desenvolvimento"
NOT_CONFIGURED = (
    "Dossiê assinado indisponível: configure o certificado da entidade (OUVIDORIA_DOSSIER_PKCS12 e "
    "OUVIDORIA_DOSSIER_PKCS12_PASSWORD, um certificado ICP-Brasil A1 em arquivo .pfx)."
)


class CredentialMissing(Exception):
    """No certificate configured where a development one may not be made (production)."""


@dataclass(frozen=True)
class Credential:
    pkcs12: bytes
    password: bytes | None
    development: bool

    def signer(self) -> Any:
        from pyhanko.sign import signers

        return signers.SimpleSigner.load_pkcs12_data(self.pkcs12, other_certs=(), passphrase=self.password)

    def certificates(self) -> list[Any]:
        """The signer's certificate and the chain the file carries (asn1crypto certificates): the trust roots."""
        from asn1crypto import x509
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

        _key, cert, chain = pkcs12.load_key_and_certificates(self.pkcs12, self.password)
        found = [c for c in [cert, *chain] if c is not None]
        return [x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in found]


def development_pkcs12(common_name: str = DEVELOPMENT_SUBJECT, password: bytes | None = None) -> bytes:
    """A self-signed certificate with its key as PKCS#12: for development and tests, never for an inspection."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ouvidoria (desenvolvimento)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"ouvidoria-dossie", key, cert, None, encryption)


def _development_credential() -> Credential:
    path = Path(settings.VAR_DIR) / "dossier-development.p12"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(development_pkcs12())
        path.chmod(0o600)
    return Credential(pkcs12=path.read_bytes(), password=None, development=True)


@lru_cache(maxsize=4)
def _configured(path: str, password: str) -> Credential:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"OUVIDORIA_DOSSIER_PKCS12: não foi possível ler {path} ({exc}).") from exc
    return Credential(pkcs12=data, password=password.encode() if password else None, development=False)


def signing_credential() -> Credential:
    """The configured credential; in development a self-signed one; in production ``CredentialMissing``."""
    path = settings.OUVIDORIA_DOSSIER_PKCS12
    if path:
        return _configured(path, settings.OUVIDORIA_DOSSIER_PKCS12_PASSWORD)
    if settings.DEBUG and not settings.PRODUCTION:
        return _development_credential()
    raise CredentialMissing(NOT_CONFIGURED)


def extra_trust_roots() -> list[Any]:
    """``OUVIDORIA_DOSSIER_TRUST_ROOTS``: CA certificates (PEM or DER files) trusted besides the credential's chain."""
    from asn1crypto import pem, x509

    roots = []
    for item in settings.OUVIDORIA_DOSSIER_TRUST_ROOTS:
        data = Path(item).read_bytes()
        if pem.detect(data):
            roots += [x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True)]
        else:
            roots.append(x509.Certificate.load(data))
    return roots
