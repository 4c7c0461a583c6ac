"""The catalogues every installation starts with: instances, media, record types and OPIN subjects.

Plain data with its sources; ``manage.py load_catalogues`` copies it into the database, where administrators may
add their own subjects.
"""

from dataclasses import dataclass
from typing import Literal

InstanceKind = Literal["opin", "first_instance", "ombudsman", "external"]


@dataclass(frozen=True)
class Instance:
    code: str
    label: str
    kind: InstanceKind
    # The value of "Canal" in the OPIN quarterly file (seed 000 §10.1/10.2), when the instance is reported there.
    opin_channel: str = ""


# Seed 000 §4.2 (channels of the funnel) and seed 001 "Manifestações Provenientes de Outros Órgãos".
INSTANCES: tuple[Instance, ...] = (
    Instance("faq", "FAQ (perguntas e respostas)", "opin"),
    Instance("chatbot", "Chatbot", "opin", "Chatbot"),
    Instance("opin-service-desk", "Fale Conosco OPIN (Service Desk)", "opin"),
    Instance("fale-conosco", "Fale Conosco", "first_instance", "SAC"),
    Instance("sac", "SAC", "first_instance", "SAC"),
    Instance("transactional", "Central de atendimento (transacional)", "first_instance", "Transacional"),
    Instance("ouvidoria", "Ouvidoria", "ombudsman", "Ouvidoria"),
    Instance("consumidor-gov", "Consumidor.gov.br", "external"),
    Instance("procon", "PROCON", "external"),
    Instance("bacen-rdr", "Banco Central (RDR)", "external"),
    Instance("ans", "ANS (NIP)", "external"),
    Instance("susep", "SUSEP", "external"),
    Instance("reclame-aqui", "Reclame Aqui", "external"),
    Instance("press", "Imprensa e mídia", "external"),
)


@dataclass(frozen=True)
class Medium:
    code: str
    label: str


MEDIA: tuple[Medium, ...] = (
    Medium("phone", "Telefone"),
    Medium("email", "E-mail"),
    Medium("web-form", "Formulário web"),
    Medium("chat", "Chat"),
    Medium("whatsapp", "WhatsApp"),
    Medium("letter", "Carta"),
    Medium("in-person", "Presencial"),
    Medium("external-platform", "Plataforma externa"),
)


@dataclass(frozen=True)
class RecordType:
    code: str
    label: str


# Seed 000 §7 (five types), seed 001 "Natureza da Demanda" (denúncia). ANS "consultas" (seed 002 art. 1 §1) are
# registered as Informação.
RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("informacao", "Informação"),
    RecordType("solicitacao", "Solicitação"),
    RecordType("sugestao", "Sugestão"),
    RecordType("elogio", "Elogio"),
    RecordType("reclamacao", "Reclamação"),
    RecordType("denuncia", "Denúncia"),
)

REQUEST_TYPES = ("reclamacao", "informacao", "solicitacao")
FEEDBACK_TYPES = ("sugestao", "elogio")


@dataclass(frozen=True)
class Subject:
    code: str
    label: str
    description: str
    record_types: tuple[str, ...]
    # Instances whose OPIN table (seed 000 §6.1–6.3) lists the subject.
    instances: tuple[str, ...]


_SAC = ("sac", "fale-conosco")
_ALL_OPIN = ("sac", "fale-conosco", "ouvidoria", "transactional")

# Seed 000 §6.1 (SAC), §6.2 (Ouvidoria), §6.3 (Central de Atendimento Transacional); labels spelled as in the
# manual, since they are the values of "Assunto" in the OPIN file.
SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "opin-erro-dado-cadastral",
        "OPIN Erro Dado Cadastral",
        "Quando o cliente identificar que algum dado está errado",
        REQUEST_TYPES,
        _ALL_OPIN,
    ),
    Subject(
        "opin-erro-compartilhamento",
        "OPIN Erro no Compartilhamento do(s) Dado(s)",
        "Quando o cliente identificar que algum dado aberto está errado, porém o dado está correto na sociedade "
        "transmissora",
        REQUEST_TYPES,
        _ALL_OPIN,
    ),
    Subject(
        "opin-problema-atendimento",
        "OPIN Problema com o Atendimento",
        "Quando o cliente entender que está com problema com o atendimento da empresa transmissora ou receptora "
        "(tratamento, prazo...)",
        REQUEST_TYPES,
        (*_SAC, "transactional"),
    ),
    Subject(
        "opin-problema-atendimento-recorrencia",
        "OPIN Problema com o Atendimento (recorrência)",
        "Quando o cliente entender que NÃO teve o seu problema de OPIN resolvido em um dos canais de atendimento "
        "da empresa transmissora ou receptora (tratamento, prazo...)",
        REQUEST_TYPES,
        ("ouvidoria",),
    ),
    Subject(
        "opin-site-fora-do-ar",
        "OPIN Site fora do AR",
        "Quando o cliente identificar site fora do ar",
        REQUEST_TYPES,
        _ALL_OPIN,
    ),
    Subject(
        "opin-duvidas-gerais",
        "OPIN - Dúvidas gerais do OPIN",
        "Quando o atendimento transbordar indevidamente do ambiente OPIN para as participantes",
        REQUEST_TYPES,
        _ALL_OPIN,
    ),
    Subject(
        "opin-lgpd",
        "OPIN - LGPD",
        "Quando o cliente quiser informação, fizer solicitação e/ou reclamação sobre as diretrizes da LGPD "
        "relacionadas ao OPIN.",
        REQUEST_TYPES,
        _ALL_OPIN,
    ),
    Subject(
        "opin-sugestao-elogio",
        "OPIN - Sugestão ou elogio",
        "Sugestão ou elogio atinentes ao OPIN e participantes no âmbito do OPIN",
        FEEDBACK_TYPES,
        _ALL_OPIN,
    ),
)

GENDERS: tuple[tuple[str, str], ...] = (
    # Seed 000 §8.5 "Gênero": F, M, NB, Outro; blank for companies.
    ("F", "Feminino"),
    ("M", "Masculino"),
    ("NB", "Não binário"),
    ("Outro", "Outro"),
)

REGIMES: tuple[tuple[str, str], ...] = (
    ("susep", "SUSEP (seguros, previdência aberta, capitalização)"),
    ("ans", "ANS (planos de saúde)"),
    ("bcb", "Banco Central (instituições financeiras, consórcios)"),
    ("other", "Outro"),
)

BCB = "bcb"
BANK = "bank"
CONSORTIUM = "consortium"
# The Banco Central regime serves two kinds of institution under the same rules (Res. CMN 4.860/2020 for banks and
# consórcio administrators alike; seed 001 is a consórcio administrator's manual). Which one an entity is decides
# the subjects and the FAQ its public starts with (issue 14); the other regimes have one kind each.
INSTITUTION_KINDS: tuple[tuple[str, str], ...] = (
    (BANK, "Banco, financeira ou instituição de pagamento"),
    (CONSORTIUM, "Administradora de consórcios"),
)


def institution_kind(regime: str, kind: str) -> str:
    """The kind of a Banco Central institution (a bank when not said), ``""`` under every other regime."""
    if regime != BCB:
        return ""
    return kind if kind in dict(INSTITUTION_KINDS) else BANK


def institution_kind_problem(regime: str, kind: str) -> Literal["missing", "not_bcb"] | None:
    """Why ``kind`` does not fit ``regime`` when entered on a form: ``missing`` under the Banco Central (say which),
    ``not_bcb`` under any other regime (it has one kind); None when it fits."""
    if regime == BCB and not kind:
        return "missing"
    if regime != BCB and kind:
        return "not_bcb"
    return None
