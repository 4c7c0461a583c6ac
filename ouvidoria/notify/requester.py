"""What the requester hears by e-mail when the case services act: messages, the final answer, requests for
complement and extensions (seed 001 "Parecer e Respostas": the requester is kept informed until the conclusion;
"Prazo para Resposta da Demanda": told the reasons of an extension).

No e-mail when the requester is anonymous or left no e-mail address, nor for a case that came from an external
body: its answers go back to that body by its own rules (seed 001 "Manifestações Provenientes de Outros Órgãos";
the answer event carries ``to_external_body``).
"""

from dataclasses import dataclass
from typing import Literal

from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.notify.outbox import email_queue
from ouvidoria.rules.answers import courtesies, final_answer_footer

RequesterNotice = Literal["message_out", "answer", "complement_request", "extension"]

_SUBJECTS: dict[str, str] = {
    "message_out": "Nova mensagem sobre a sua manifestação — protocolo {protocol}",
    "answer": "Resposta à sua manifestação — protocolo {protocol}",
    "complement_request": "Precisamos de mais informações — protocolo {protocol}",
    "extension": "Prorrogação do prazo de resposta — protocolo {protocol}",
}


def requester_address(m: Manifestation) -> str:
    """The address to write to, or "" when the requester is not to be written to by e-mail."""
    if m.anonymous or m.requester is None or m.instance.kind == "external":
        return ""
    return str(m.requester.email or "").strip()


@dataclass(frozen=True)
class RequesterEmail:
    to: str
    subject: str
    body: str


def requester_email(
    m: Manifestation, *, notice: RequesterNotice, text: str, clock_paused: bool = False
) -> RequesterEmail | None:
    """The e-mail the requester receives about ``text``, exactly as it goes out; None when no e-mail goes (anonymous,
    no address, a case of an external body). The sender's and the approver's preview show this same e-mail."""
    to = requester_address(m)
    if not to:
        return None
    protocol = m.formatted_protocol
    assert m.requester is not None
    name = m.requester.display_name.strip()
    # The text may come from a template that greets and signs off already: the e-mail does it once, around it.
    greeting, body, sign_off = courtesies(text)
    parts = [greeting or (f"Olá, {name}." if name else "Olá.")]
    if notice == "answer":
        parts += [
            f"Esta é a resposta à sua manifestação de protocolo {protocol}, recebida em {m.received_on:%d/%m/%Y}.",
            body,
            final_answer_footer(protocol=protocol, instance_kind=m.instance.kind),
        ]
    elif notice == "complement_request":
        parts += [
            f"Para continuarmos a análise da sua manifestação de protocolo {protocol}, precisamos de mais informações:",
            body,
            "Por favor, responda informando o número do protocolo."
            + (
                " O prazo de resposta fica suspenso até recebermos o seu retorno."
                if clock_paused
                # The norm counts straight through (docs/regulation.md "Pauses"): say what that means for them.
                else f" O prazo de resposta não é suspenso: seguimos com a análise e responderemos até "
                f"{m.due_on:%d/%m/%Y}; quanto antes recebermos o seu retorno, mais completa será a resposta."
            ),
        ]
    elif notice == "extension":
        parts += [
            f"Sobre a sua manifestação de protocolo {protocol}:",
            body,
            "Seguimos trabalhando na sua manifestação e responderemos dentro do novo prazo.",
        ]
    else:
        parts += [f"Há uma nova mensagem sobre a sua manifestação de protocolo {protocol}:", body]
    parts.append(sign_off or f"Atenciosamente,\n{m.instance.label} — {m.entity.name}")
    return RequesterEmail(to=to, subject=_SUBJECTS[notice].format(protocol=protocol), body="\n\n".join(parts) + "\n")


def requester_notify(m: Manifestation, *, event: Event, notice: RequesterNotice) -> OutboundEmail | None:
    """Queue the e-mail that tells the requester about ``event``; once per event, whatever happens next."""
    email = requester_email(m, notice=notice, text=event.body, clock_paused=bool(event.params.get("clock_paused")))
    if email is None:
        return None
    return email_queue(
        key=f"requester:{event.pk}", to=email.to, subject=email.subject, body=email.body, manifestation=m
    )


def requester_acknowledge(m: Manifestation) -> OutboundEmail | None:
    """The e-mail right after a registration from the portal: the protocol and the deadline (seed 000 §4.3.1)."""
    to = requester_address(m)
    if not to:
        return None
    assert m.requester is not None
    name = m.requester.display_name.strip()
    protocol = m.formatted_protocol
    body = "\n\n".join(
        [
            f"Olá, {name}." if name else "Olá.",
            f"Recebemos sua manifestação em {m.received_on:%d/%m/%Y}. O número de protocolo é {protocol}.",
            f"Responderemos até {m.due_on:%d/%m/%Y}. Para acompanhar, adicionar informações ou anexos, use o "
            "protocolo e este e-mail na página “Acompanhar manifestação”.",
            f"Atenciosamente,\n{m.instance.label} — {m.entity.name}",
        ]
    )
    return email_queue(
        key=f"requester:registration:{m.pk}",
        to=to,
        subject=f"Recebemos sua manifestação — protocolo {protocol}",
        body=body + "\n",
        manifestation=m,
    )
