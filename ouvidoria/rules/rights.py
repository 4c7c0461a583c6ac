"""The data subject's rights (LGPD art. 18), as the Ouvidoria carries them out. No Django.

Sources:
- seed 000 §4.3.2 "Pontos de Atenção" item 2, rights (a) to (j), "a qualquer momento e mediante requisição", the
  declaration (j) "no prazo de até 15 (quinze) dias, contado da data do requerimento do titular";
- Lei 13.709/2018 (LGPD): art. 7 (legal bases: I consent, II legal or regulatory obligation, V contract, VI exercise
  of rights in proceedings, IX legitimate interest), art. 8 §5 (consent revoked at any time, free and easy) and §2
  (the controller proves the consent), art. 11 (sensitive data: health, in a health-plan complaint, only with a
  legal basis of art. 11 II), art. 16 (data kept after its purpose ends only for a legal or regulatory obligation,
  I, among others), art. 18 (the rights), art. 19 (confirmation and access: simplified at once, or the clear and
  complete declaration within 15 days; II) and art. 18 §6 (whoever the data was shared with is told of a
  correction, deletion, anonymisation or block);
- seed 001 ("Arquivo": the Ouvidoria's records kept at least 5 years from the protocol) and seed 002 (RN ANS
  323/2013 art. 4 §1 and art. 7: the record of the demands kept 5 years), as ``rules.retention.case_anonymised_on``.

The legal bases below are read by the people the data is about (the declaration, the answer): they cite the norms
by name (the seeds are the Ouvidoria manual of a Banco Central institution under Res. CMN 4.860/2020 and RN ANS
323/2013), never a seed's number.

The choices the law leaves to the controller are written in docs/regulation.md, "Direitos do titular".
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ouvidoria.rules.retention import case_anonymised_on, years_after

LGPD = "Lei 13.709/2018 (LGPD)"
# Seed 001, as a person reading their declaration knows it.
MANUAL = "manual da Ouvidoria (Res. CMN 4.860/2020)"


@dataclass(frozen=True)
class Right:
    code: str
    label: str  # as staff read it
    plain: str  # as the citizen reads it on the form
    source: str


RIGHTS: tuple[Right, ...] = (
    Right("a", "Confirmação da existência de tratamento", "Saber se vocês têm dados meus", f"{LGPD} art. 18 I"),
    Right("b", "Acesso aos dados", "Receber uma cópia de todos os meus dados", f"{LGPD} art. 18 II, art. 19"),
    Right(
        "c",
        "Correção de dados incompletos, inexatos ou desatualizados",
        "Corrigir dados meus que estão errados ou desatualizados",
        f"{LGPD} art. 18 III",
    ),
    Right(
        "d",
        "Anonimização, bloqueio ou eliminação de dados desnecessários ou excessivos",
        "Apagar, anonimizar ou bloquear dados que vocês não precisam ter",
        f"{LGPD} art. 18 IV",
    ),
    Right(
        "e",
        "Portabilidade dos dados",
        "Levar meus dados para outra empresa (arquivo para máquina)",
        f"{LGPD} art. 18 V",
    ),
    Right(
        "f",
        "Eliminação dos dados tratados com consentimento",
        "Apagar os dados que dei com o meu consentimento",
        f"{LGPD} art. 18 VI, art. 16",
    ),
    Right(
        "g",
        "Informação sobre o uso compartilhado",
        "Saber com quem vocês compartilharam meus dados",
        f"{LGPD} art. 18 VII",
    ),
    Right(
        "h",
        "Informação sobre não fornecer consentimento e suas consequências",
        "Saber o que acontece se eu não der meu consentimento",
        f"{LGPD} art. 18 VIII",
    ),
    Right("i", "Revogação do consentimento", "Retirar o consentimento que dei", f"{LGPD} art. 18 IX, art. 8 §5"),
    Right(
        "j",
        "Declaração clara e completa (origem, critérios, finalidade)",
        "Receber uma declaração completa de onde vieram meus dados e para que são usados",
        f"{LGPD} art. 19 II",
    ),
)
RIGHT_CODES = tuple(r.code for r in RIGHTS)
RIGHTS_BY_CODE = {r.code: r for r in RIGHTS}

# Art. 19 II: the declaration within 15 days of the request (the policy "lgpd-titular", policies.toml).
POLICY = "lgpd-titular"
ANSWER_DAYS = 15
# Choice (docs/regulation.md): an export or a declaration stays downloadable this long, then it is deleted.
DOCUMENT_DAYS = 30


def document_expires_on(released_on: date) -> date:
    return released_on + timedelta(days=DOCUMENT_DAYS)


# --- Categories of data, their legal basis, purpose and keeping ------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    purpose: str
    basis: str  # the legal basis, in words
    basis_source: str
    keeping: str  # how long, in words
    erasable_on_request: bool  # art. 18 VI / IV: deleted when the person asks (no obligation keeps it)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "identity",
        "Identificação e contato do manifestante (nome, nome social, CPF/CNPJ, e-mail, telefone, endereço)",
        "Registrar, responder e comprovar o atendimento da manifestação ao regulador",
        "Cumprimento de obrigação legal ou regulatória",
        f"{LGPD} art. 7 II; {MANUAL}, 'Atendimento das Solicitações'; RN ANS 323/2013 art. 7",
        "5 anos a partir do protocolo de cada manifestação; depois anonimizados",
        False,
    ),
    Category(
        "case",
        "Manifestações, histórico, mensagens, encaminhamentos e anexos",
        "Tratar a demanda e guardar o registro exigido pelo regulador",
        "Cumprimento de obrigação legal ou regulatória; exercício regular de direitos",
        f"{LGPD} art. 7 II e VI, art. 16 I; {MANUAL}, 'Arquivo'; RN ANS 323/2013 art. 4 §1 e art. 7",
        "5 anos a partir do protocolo; depois anonimizados",
        False,
    ),
    Category(
        "health",
        "Dados de saúde que constem das manifestações (planos de saúde)",
        "Tratar a reclamação sobre a cobertura ou o atendimento",
        "Cumprimento de obrigação legal ou regulatória (dado sensível)",
        f"{LGPD} art. 11 II a; RN ANS 323/2013 art. 7",
        "Com a manifestação: 5 anos a partir do protocolo",
        False,
    ),
    Category(
        "chat",
        "Conversas com o assistente virtual",
        "Responder dúvidas e medir a qualidade das respostas",
        "Consentimento",
        f"{LGPD} art. 7 I, art. 8",
        "1 ano; a conversa que virou manifestação segue a manifestação",
        True,
    ),
    Category(
        "email",
        "E-mails enviados sem manifestação",
        "Comunicações de serviço",
        "Legítimo interesse",
        f"{LGPD} art. 7 IX, art. 10",
        "1 ano",
        True,
    ),
    Category(
        "marketing",
        "Comunicações de ofertas e novidades",
        "Enviar ofertas e novidades",
        "Consentimento",
        f"{LGPD} art. 7 I, art. 8",
        "Até a revogação do consentimento",
        True,
    ),
    Category(
        "rn593_channels",
        "Canais de mensagens (SMS, aplicativo de mensagens, e-mail) para notificação por inadimplência",
        "Notificar por inadimplência pelos canais que o beneficiário aceitou",
        "Consentimento",
        f"{LGPD} art. 7 I; RN ANS 593/2023",
        "Até a revogação do consentimento",
        True,
    ),
    Category(
        "consent",
        "Registros de consentimento e de sua revogação",
        "Comprovar o consentimento e a revogação",
        "Cumprimento de obrigação legal (o controlador prova o consentimento)",
        f"{LGPD} art. 8 §2, art. 16 I",
        "5 anos após a revogação ou o fim do tratamento",
        False,
    ),
)
CATEGORIES_BY_CODE = {c.code: c for c in CATEGORIES}


# --- Consent (h)/(i) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purpose:
    code: str
    label: str
    category: str
    text_version: str
    text: str
    # (h): what happens when the person does not consent, or revokes.
    refusal_consequence: str


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        "chat_transcript",
        "Guardar a conversa com o assistente virtual",
        "chat",
        "chat-2026-12",
        "Para responder e melhorar as respostas, guardamos o texto desta conversa por até 1 ano (sem CPF, cartão ou "
        "dados de saúde, que são mascarados). Você pode retirar este consentimento a qualquer momento.",
        "Sem o consentimento, o assistente não pode ser usado; você continua atendido pelo Fale Conosco, pelo SAC e "
        "pela Ouvidoria, sem prejuízo algum.",
    ),
    Purpose(
        "marketing",
        "Receber ofertas e novidades",
        "marketing",
        "marketing-2026-12",
        "Aceito receber ofertas e novidades por e-mail. Posso retirar este consentimento a qualquer momento.",
        "Sem o consentimento, você não recebe ofertas; nada muda no seu atendimento.",
    ),
    Purpose(
        "rn593_channels",
        "Notificações por SMS ou aplicativo de mensagens (RN ANS 593/2023)",
        "rn593_channels",
        "rn593-2026-12",
        "Aceito receber a notificação por inadimplência por SMS ou aplicativo de mensagens.",
        "Sem o consentimento, a notificação segue pelos meios que não dependem dele (carta com aviso de recebimento, "
        "e-mail com confirmação de leitura).",
    ),
)
PURPOSES_BY_CODE = {p.code: p for p in PURPOSES}
# (Bloqueio) What a block suspends: processing the person did not need and no obligation requires.
NON_ESSENTIAL = frozenset({"marketing", "rn593_channels"})


# --- Deletion and anonymisation (d)/(f): what goes and what must stay -----------------------------------------


@dataclass(frozen=True)
class Decision:
    action: str  # "delete" now, "anonymise" now, or "keep" (refused, with the reason and until when)
    reason: str
    source: str
    keep_until: date | None = None


@dataclass(frozen=True)
class HoldFact:
    """An active legal hold over the item: its reason and its date (None: until released)."""

    reason: str
    until: date | None


def decide_case(protocol_day: date, *, today: date, holds: tuple[HoldFact, ...] = ()) -> Decision:
    """A manifestation (and the identity, messages and attachments in it).

    Kept while its five years run (seed 001, seed 002 art. 4 §1; LGPD art. 16 I), or while a legal hold stands
    (LGPD art. 7 VI: litigation, a regulator's request); once both are over, anonymised (never deleted: its
    statistics stay in the indicators and the regulatory files)."""
    if holds:
        dated = [h.until for h in holds if h.until is not None]
        open_ended = any(h.until is None for h in holds)
        until = None if open_ended else max(dated)
        reasons = "; ".join(h.reason for h in holds)
        return Decision(
            "keep",
            f"Bloqueio legal em vigor ({reasons}): a lei permite manter os dados para o exercício regular de "
            "direitos em processo e para atender ao regulador.",
            f"{LGPD} art. 7 VI, art. 16 I",
            until,
        )
    until = case_anonymised_on(protocol_day)
    if today < until:
        return Decision(
            "keep",
            "Registro que o regulador obriga a manter por 5 anos a partir do protocolo.",
            f"{LGPD} art. 16 I; {MANUAL}, 'Arquivo'; RN ANS 323/2013 art. 4 §1",
            until,
        )
    return Decision(
        "anonymise",
        "Os 5 anos do registro terminaram: a identificação é anonimizada; ficam só os dados estatísticos.",
        f"{LGPD} art. 16, art. 18 IV",
    )


def decide_consented(category: str) -> Decision:
    """Data that rests on consent or legitimate interest alone (chat transcripts of no case, e-mails of no case,
    marketing): deleted at the person's request (LGPD art. 18 VI; art. 18 §2 opposition to legitimate interest)."""
    if category not in CATEGORIES_BY_CODE or not CATEGORIES_BY_CODE[category].erasable_on_request:
        raise ValueError(f"category {category!r} is not erasable on request")
    return Decision(
        "delete",
        "Tratado com base no consentimento ou em legítimo interesse: eliminado a pedido.",
        f"{LGPD} art. 18 VI",
    )


def consent_record_decision(revoked_on: date | None, *, today: date) -> Decision:
    """A consent record is proof (art. 8 §2): kept five years after the revocation, never deleted on request."""
    start = revoked_on or today
    return Decision(
        "keep",
        "Registro de consentimento: a lei obriga a empresa a provar o consentimento e a sua revogação.",
        f"{LGPD} art. 8 §2, art. 16 I",
        years_after(start, 5),
    )


def identity_check_needed(*, matched_document: bool, matched_email: bool) -> bool:
    """Whether the analyst must confirm the person's identity before acting on a requester found.

    A requester found by both the CPF/CNPJ and the e-mail the request gives is the person who asked (the look-up
    page asks the same). Found by one of them alone, the other may be someone else's: three registration data,
    the CPF among them, are confirmed first (seed 004 "Atendimento Receptivo", ``identification.check_identity_
    confirmed``), as at the SAC before personal matters are discussed."""
    return not (matched_document and matched_email)
