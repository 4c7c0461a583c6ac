"""The chatbot's conversation flow and its guard against sensitive data.

Source: seed 000 §4.3.1, "Fluxo 1º Etapa" (chatbot): after each answer, "Encontrou o que procurava?" with
"Continuar atendimento", "Sim" (ends, opens the suggestions page) and "Não" (opens "Como posso ajudar?" with
"Reclamação", "Sugestão", "Obter informação" and "Voltar ao atendimento e refazer pergunta"); the (i) button opens
that page at any moment; the first three lead to the channel choice (Fale Conosco, or a participant company from the
list); for a participant, "primeiro contato ou já possui protocolo?" — the participant's contacts, and the Ouvidoria's
only to someone with an earlier protocol. The chatbot handles no sensitive data (seed 000 §4.3.1; LGPD art. 11 on
health data): CPF, card numbers and health terms typed in are masked in the transcript, and the requester is told why.
"""

import re
import unicodedata
from dataclasses import dataclass

# States of a conversation.
ASK = "ask"  # waiting for a question
FEEDBACK = "feedback"  # an answer was given: "Encontrou o que procurava?"
HELP = "help"  # "Como posso ajudar?"
CHANNEL = "channel"  # Fale Conosco or a participant
PARTICIPANT = "participant"  # first contact or earlier protocol?
PROTOCOL = "protocol"  # waiting for the earlier protocol
CONTACTS = "contacts"  # the participant's contacts shown
DONE = "done"  # ended; the suggestions page

# Buttons: code → label, in the words of the seed.
CHOICES: dict[str, str] = {
    "continue": "Continuar atendimento",
    "yes": "Sim",
    "no": "Não",
    "complaint": "Reclamação",
    "suggestion": "Sugestão",
    "information": "Obter informação",
    "back": "Voltar ao atendimento e refazer pergunta",
    "info": "(i) Como posso ajudar?",
    "contact_form": "Fale Conosco",
    "first_contact": "É meu primeiro contato",
    "has_protocol": "Já tenho protocolo",
    "restart": "Nova pergunta",
}

# Which buttons each state offers (the (i) button is offered everywhere but on the help page itself).
OFFERED: dict[str, tuple[str, ...]] = {
    ASK: ("info",),
    FEEDBACK: ("continue", "yes", "no", "info"),
    HELP: ("complaint", "suggestion", "information", "back"),
    CHANNEL: ("contact_form", "info"),
    PARTICIPANT: ("first_contact", "has_protocol", "info"),
    PROTOCOL: ("info",),
    CONTACTS: ("restart", "info"),
    DONE: ("restart",),
}

_TRANSITIONS: dict[tuple[str, str], str] = {
    (FEEDBACK, "continue"): ASK,
    (FEEDBACK, "yes"): DONE,
    (FEEDBACK, "no"): HELP,
    (HELP, "complaint"): CHANNEL,
    (HELP, "suggestion"): CHANNEL,
    (HELP, "information"): CHANNEL,
    (HELP, "back"): ASK,
    (PARTICIPANT, "first_contact"): CONTACTS,
    (PARTICIPANT, "has_protocol"): PROTOCOL,
    (CONTACTS, "restart"): ASK,
    (DONE, "restart"): ASK,
}


def next_state(state: str, choice: str) -> str | None:
    """The state a button leads to, or None when the button is not offered in ``state``."""
    if choice not in OFFERED.get(state, ()):
        return None
    if choice == "info":
        return HELP
    return _TRANSITIONS.get((state, choice))


# --- Sensitive data -------------------------------------------------------------------------------------------

# A CPF as people type it: dots, dashes, spaces, commas or underscores between the groups, or none.
_CPF = re.compile(r"(?<!\d)\d{3}[\s.,_]?\d{3}[\s.,_]?\d{3}[\s.,_-]?\d{2}(?!\d)")
# Contact data: not sensitive, but personal, and the chatbot keeps no identity in its transcripts.
_EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d])(?:\+?55[\s-]?)?(?:\(?\d{2}\)?[\s-]?)?9?\d{4}[\s.-]?\d{4}(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){13,19}(?!\d)")
# Health terms (LGPD art. 5 II, sensitive data). Matched on folded text, whole words or word starts.
HEALTH_TERMS = (
    "diagnostic",
    "doenca",
    "cid ",
    "cancer",
    "tumor",
    "hiv",
    "aids",
    "gravid",
    "gestac",
    "internac",
    "cirurgi",
    "exame",
    "laudo",
    "receita medica",
    "medicament",
    "remedio",
    "tratamento",
    "quimioterapi",
    "depressao",
    "psiquiatr",
    "diabet",
    "hipertens",
    "deficiencia",
    "transtorno",
)

CPF_MASK = "[CPF removido]"
CONTACT_MASK = "[contato removido]"
CARD_MASK = "[número de cartão removido]"
HEALTH_MASK = "[informação de saúde removida]"


@dataclass(frozen=True)
class Screened:
    text: str
    found: tuple[str, ...]  # "cpf", "card", "health", "contact"

    @property
    def warning(self) -> str:
        if not self.found:
            return ""
        names = {
            "cpf": "CPF",
            "card": "número de cartão",
            "health": "informações de saúde",
            "contact": "e-mail ou telefone",
        }
        listed = ", ".join(names[f] for f in self.found)
        return (
            f"Por segurança, este canal não trata dados sensíveis: removemos da conversa {listed}. "
            "Não é preciso informá-los aqui."
        )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def screen(text: str) -> Screened:
    """Mask CPF numbers, card numbers (Luhn-valid runs of 13–19 digits), e-mail addresses and phone numbers, and
    sentences with health terms."""
    found: list[str] = []

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            if "card" not in found:
                found.append("card")
            return CARD_MASK
        return match.group()

    masked = _CARD.sub(card, text)
    if _CPF.search(masked):
        found.append("cpf")
        masked = _CPF.sub(CPF_MASK, masked)
    if _EMAIL.search(masked) or _PHONE.search(masked):
        found.append("contact")
        masked = _PHONE.sub(CONTACT_MASK, _EMAIL.sub(CONTACT_MASK, masked))
    sentences = re.split(r"(?<=[.!?;\n])\s*", masked)
    kept = []
    for sentence in sentences:
        folded = f" {_fold(sentence)} "
        if any(f" {term}" in folded for term in HEALTH_TERMS):
            if "health" not in found:
                found.append("health")
            kept.append(HEALTH_MASK)
        else:
            kept.append(sentence)
    masked = " ".join(s for s in kept if s).strip()
    return Screened(masked, tuple(found))
