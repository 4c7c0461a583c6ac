"""The starter library of standard answers and message models, shared by every entity (entity left blank).

Seed 001 "Atendimento das Solicitações, Reclamações e Denúncias": for recurring demands the Ouvidoria already has
answers and may reply without forwarding to an area. The wording follows seed 001 (protocol and deadline given at
once, "Obrigações legais" IV; complement asked by "novo contato com o solicitante"; extension "informado sobre os
motivos"; answers that are complete, clear and state the grounds, "Parecer e Respostas") and seed 000 (cancellation
requests at the SAC, §4.2.5; Open Insurance consent, §2 I–II and §4.3.2 item 2 i). The footer with the new
manifestation and consumidor.gov.br is added to every final answer by the e-mail, so it is not repeated here.
Entities edit these in the admin or add their own; ``reply_library_load`` never overwrites an edited text.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps as live_apps


@dataclass(frozen=True)
class StarterTemplate:
    title: str
    category: str
    record_types: tuple[str, ...]
    body: str


LIBRARY: tuple[StarterTemplate, ...] = (
    StarterTemplate(
        "Confirmação de recebimento e prazo",
        "message",
        (),
        "Olá, {nome}.\n\n"
        "Recebemos a sua manifestação em {data_recebimento} e ela foi registrada sob o protocolo {protocolo}. "
        "Guarde este número: ele identifica o seu atendimento em todos os contatos com a {entidade}.\n\n"
        "A resposta será enviada até {prazo}. Se precisarmos de mais informações, entraremos em contato.",
    ),
    StarterTemplate(
        "Pedido de complemento de informações",
        "message",
        (),
        "Olá, {nome}.\n\n"
        "Para analisarmos a sua manifestação (protocolo {protocolo}) precisamos de mais informações: "
        "[descreva aqui o que falta — por exemplo, datas, valores, número do contrato ou cópia de documentos].\n\n"
        "Por favor, envie o complemento informando o número do protocolo.",
    ),
    StarterTemplate(
        "Aviso de prorrogação do prazo",
        "message",
        (),
        "Olá, {nome}.\n\n"
        "A análise da sua manifestação (protocolo {protocolo}) precisa de mais tempo, pelo seguinte motivo: "
        "[informe o motivo da prorrogação]. Por isso, o prazo de resposta foi prorrogado até {prazo}.\n\n"
        "Seguimos trabalhando na sua demanda e, se houver novidades antes dessa data, avisaremos.",
    ),
    StarterTemplate(
        "Cobrança em duplicidade — estorno",
        "standard_answer",
        ("reclamacao", "solicitacao"),
        "Olá, {nome}.\n\n"
        "Analisamos a sua manifestação (protocolo {protocolo}) sobre a cobrança em duplicidade. Verificamos os "
        "lançamentos e confirmamos que houve cobrança em duplicidade em [data e valor]. O valor cobrado a mais será "
        "estornado em [forma e prazo do estorno].\n\n"
        "Por se tratar de descumprimento de cláusula contratual, a sua reclamação foi considerada procedente. "
        "Pedimos desculpas pelo transtorno e revisamos o processo de cobrança para evitar que se repita.",
    ),
    StarterTemplate(
        "Cobrança contestada — valores devidos",
        "standard_answer",
        ("reclamacao",),
        "Olá, {nome}.\n\n"
        "Analisamos a sua manifestação (protocolo {protocolo}) sobre a cobrança contestada. Conferimos o contrato e "
        "os lançamentos: os valores cobrados correspondem a [descreva a origem de cada valor e a cláusula que o "
        "prevê]. Não encontramos descumprimento de norma nem de cláusula contratual, por isso a reclamação foi "
        "considerada improcedente.\n\n"
        "Se tiver documentos que mostrem algo diferente, envie-os informando o protocolo e faremos nova análise.",
    ),
    StarterTemplate(
        "Pedido de cancelamento",
        "standard_answer",
        ("solicitacao", "reclamacao"),
        "Olá, {nome}.\n\n"
        "Recebemos o seu pedido de cancelamento (protocolo {protocolo}). O cancelamento foi efetuado em [data], com "
        "efeitos a partir de [data]. [Informe valores a restituir ou pendências, com a forma e o prazo.]\n\n"
        "O comprovante do cancelamento segue anexo e fica disponível também pelos nossos canais de atendimento.",
    ),
    StarterTemplate(
        "Open Insurance — consentimento para compartilhamento de dados",
        "standard_answer",
        ("informacao", "solicitacao", "reclamacao"),
        "Olá, {nome}.\n\n"
        "Sobre a sua manifestação (protocolo {protocolo}): no Open Insurance é você quem escolhe como, quando e com "
        "quem compartilhar os seus dados, por meio do consentimento dado à participante que detém os dados. Sem o "
        "seu consentimento não há compartilhamento, e o processo é digital, em ambiente seguro supervisionado pela "
        "SUSEP.\n\n"
        "Você pode revogar o consentimento a qualquer momento. [Descreva aqui a situação do consentimento "
        "mencionado e as providências adotadas.]",
    ),
    StarterTemplate(
        "Elogio — agradecimento",
        "standard_answer",
        ("elogio",),
        "Olá, {nome}.\n\n"
        "Agradecemos o seu elogio (protocolo {protocolo}). Ele foi repassado à equipe envolvida: o seu "
        "reconhecimento nos ajuda a manter e melhorar o atendimento da {entidade}.",
    ),
    StarterTemplate(
        "Sugestão — agradecimento e encaminhamento",
        "standard_answer",
        ("sugestao",),
        "Olá, {nome}.\n\n"
        "Agradecemos a sua sugestão (protocolo {protocolo}). Ela foi encaminhada à área responsável para avaliação "
        "e poderá ser considerada nas melhorias dos nossos processos e serviços.",
    ),
)


def reply_library_load(apps: Any = live_apps) -> int:
    """Add the starter templates that are missing (by title, shared); returns how many were added."""
    template_model = apps.get_model("notify", "ReplyTemplate")
    added = 0
    for item in LIBRARY:
        template, created = template_model.objects.get_or_create(
            entity=None, title=item.title, defaults={"category": item.category, "body": item.body}
        )
        if created:
            template.record_types.set(item.record_types)
            added += 1
    return added
