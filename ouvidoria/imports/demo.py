"""Realistic synthetic data for demonstrations and load tests (``manage.py seed_demo``).

Four entities, one per regime and an economic group (a BCB consórcio administrator, an ANS health-plan operator and
two SUSEP insurers, one of them an Open Insurance participant), and manifestations over the last ~18 months through
every channel, with synthetic requesters (valid CPF/CNPJ check digits, e-mails at example.com), deadlines from the
real policies and calendars, and timelines that reach every state: open, overdue, answered on time or late, closed,
with merits and evaluations. Cases are written by the importer's bulk writer, so a million take minutes.

Everything is drawn from one ``random.Random(seed)``: the same seed on the same day gives the same data (dates are
relative to today; protocol numbers come from the installation's counter).
"""

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.br import cnpj, cpf

from ouvidoria.catalogue.models import Instance, Subject
from ouvidoria.catalogue.selectors import entity_subjects
from ouvidoria.entities.models import Area, EconomicGroup, Entity, KeyContact
from ouvidoria.entities.services import entity_calendar
from ouvidoria.imports.people import FEMALE_NAMES, MALE_NAMES, SURNAMES
from ouvidoria.imports.writer import CaseRecord, CaseWriter, EventRecord, ForwardRecord, RequesterRecord
from ouvidoria.rules import deadlines
from ouvidoria.rules.calendars import BusinessCalendar
from ouvidoria.rules.policies import default_policy_code, get_policy
from ouvidoria.rules.workflow import MERITS_REASONS

BATCH_SIZE = 2000
HISTORY_DAYS = 540  # about 18 months
AREAS = ("Atendimento", "Cadastro", "Pós-vendas", "Comercial", "Análise de Crédito", "Financeiro")


@dataclass(frozen=True)
class DemoEntity:
    slug: str
    name: str
    cnpj_base: str  # 12 digits; the check digits are computed
    regime: str
    state: str
    city: str
    opin_participant: bool
    ombudsman: tuple[str, str, str]
    substitute: tuple[str, str, str]
    key_contact: tuple[str, str, str, str]
    # Share of the cases, and the channels they come through (instance code, weight).
    weight: int
    channels: tuple[tuple[str, int], ...]
    group: str = ""
    # Under the Banco Central regime, bank or consórcio administrator (rules/catalogue.py INSTITUTION_KINDS).
    institution_kind: str = ""


GROUP = ("grupo-horizonte", "Grupo Horizonte Seguros")

ENTITIES: tuple[DemoEntity, ...] = (
    DemoEntity(
        slug="prisma-consorcios",
        name="Prisma Administradora de Consórcios S.A.",
        cnpj_base="112223330001",
        regime="bcb",
        state="SP",
        city="Ribeirão Preto",
        opin_participant=False,
        ombudsman=("Marcelo Augusto Ferraz", "ouvidoria@prisma-consorcios.example.com", "08007701234"),
        substitute=("Patrícia Helena Moura", "patricia.moura@prisma-consorcios.example.com", "1633214455"),
        key_contact=("Renato Lopes Vieira", "Coordenador de Atendimento", "renato.vieira@example.com", "1633214400"),
        weight=30,
        channels=(
            ("sac", 34),
            ("fale-conosco", 10),
            ("ouvidoria", 26),
            ("bacen-rdr", 10),
            ("consumidor-gov", 8),
            ("procon", 6),
            ("reclame-aqui", 6),
        ),
        institution_kind="consortium",
    ),
    DemoEntity(
        slug="vitalis-saude",
        name="Vitalis Saúde Operadora de Planos Ltda.",
        cnpj_base="223334440001",
        regime="ans",
        state="RJ",
        city="Rio de Janeiro",
        opin_participant=False,
        ombudsman=("Cláudia Regina Tavares", "ouvidoria@vitalis-saude.example.com", "08002829900"),
        substitute=("Eduardo Nunes Siqueira", "eduardo.siqueira@vitalis-saude.example.com", "2135509000"),
        key_contact=("Fernanda Couto Ramos", "Gerente de Relacionamento", "fernanda.ramos@example.com", "2135509010"),
        weight=25,
        channels=(
            ("sac", 36),
            ("fale-conosco", 10),
            ("ouvidoria", 30),
            ("ans", 14),
            ("consumidor-gov", 5),
            ("procon", 5),
        ),
    ),
    DemoEntity(
        slug="horizonte-seguros",
        name="Horizonte Seguros S.A.",
        cnpj_base="334445550001",
        regime="susep",
        state="SP",
        city="São Paulo",
        opin_participant=True,
        ombudsman=("Luciana Prado Albuquerque", "ouvidoria@horizonte-seguros.example.com", "08007279966"),
        substitute=("Roberto Campos Figueiredo", "roberto.figueiredo@horizonte-seguros.example.com", "1130047000"),
        key_contact=("Tiago Moreira Lins", "Contato-chave Open Insurance", "tiago.lins@example.com", "1130047050"),
        weight=30,
        channels=(
            ("sac", 30),
            ("transactional", 10),
            ("chatbot", 6),
            ("fale-conosco", 5),
            ("ouvidoria", 24),
            ("susep", 8),
            ("consumidor-gov", 10),
            ("procon", 4),
            ("reclame-aqui", 3),
        ),
        group=GROUP[0],
    ),
    DemoEntity(
        slug="horizonte-nordeste-seguros",
        name="Horizonte Nordeste Seguros S.A.",
        cnpj_base="445556660001",
        regime="susep",
        state="BA",
        city="Salvador",
        opin_participant=False,
        # One ombudsman for the whole group (seed 002 art. 9).
        ombudsman=("Luciana Prado Albuquerque", "ouvidoria@horizonte-seguros.example.com", "08007279966"),
        substitute=("Ana Beatriz Sampaio", "ana.sampaio@horizonte-seguros.example.com", "7132026000"),
        key_contact=(
            "Jorge Amado Bittencourt",
            "Supervisor de Atendimento",
            "jorge.bittencourt@example.com",
            "7132026010",
        ),
        weight=15,
        channels=(
            ("sac", 38),
            ("fale-conosco", 8),
            ("ouvidoria", 26),
            ("susep", 10),
            ("consumidor-gov", 12),
            ("procon", 6),
        ),
        group=GROUP[0],
    ),
)

# A few real cities per UF, the capital first; the weights follow population roughly.
CITIES: dict[str, tuple[str, ...]] = {
    "AC": ("Rio Branco", "Cruzeiro do Sul"),
    "AL": ("Maceió", "Arapiraca"),
    "AM": ("Manaus", "Parintins", "Itacoatiara"),
    "AP": ("Macapá", "Santana"),
    "BA": ("Salvador", "Feira de Santana", "Vitória da Conquista", "Camaçari", "Ilhéus"),
    "CE": ("Fortaleza", "Caucaia", "Juazeiro do Norte", "Sobral"),
    "DF": ("Brasília",),
    "ES": ("Vitória", "Vila Velha", "Serra", "Cariacica"),
    "GO": ("Goiânia", "Aparecida de Goiânia", "Anápolis", "Rio Verde"),
    "MA": ("São Luís", "Imperatriz", "Caxias"),
    "MG": ("Belo Horizonte", "Uberlândia", "Contagem", "Juiz de Fora", "Montes Claros", "Uberaba"),
    "MS": ("Campo Grande", "Dourados", "Três Lagoas"),
    "MT": ("Cuiabá", "Várzea Grande", "Rondonópolis", "Sinop"),
    "PA": ("Belém", "Ananindeua", "Santarém", "Marabá"),
    "PB": ("João Pessoa", "Campina Grande", "Patos"),
    "PE": ("Recife", "Jaboatão dos Guararapes", "Olinda", "Caruaru", "Petrolina"),
    "PI": ("Teresina", "Parnaíba", "Picos"),
    "PR": ("Curitiba", "Londrina", "Maringá", "Ponta Grossa", "Cascavel", "Foz do Iguaçu"),
    "RJ": ("Rio de Janeiro", "São Gonçalo", "Duque de Caxias", "Nova Iguaçu", "Niterói", "Petrópolis"),
    "RN": ("Natal", "Mossoró", "Parnamirim"),
    "RO": ("Porto Velho", "Ji-Paraná", "Ariquemes"),
    "RR": ("Boa Vista", "Rorainópolis"),
    "RS": ("Porto Alegre", "Caxias do Sul", "Pelotas", "Canoas", "Santa Maria", "Passo Fundo"),
    "SC": ("Florianópolis", "Joinville", "Blumenau", "Chapecó", "Itajaí"),
    "SE": ("Aracaju", "Nossa Senhora do Socorro", "Lagarto"),
    "SP": ("São Paulo", "Campinas", "Guarulhos", "Ribeirão Preto", "Santos", "Sorocaba", "São José dos Campos"),
    "TO": ("Palmas", "Araguaína", "Gurupi"),
}
# Population in millions (IBGE 2022, rounded): how often each UF appears.
STATE_WEIGHTS: dict[str, int] = {
    "SP": 44, "MG": 20, "RJ": 16, "BA": 14, "PR": 11, "RS": 11, "PE": 9, "CE": 9, "PA": 8, "SC": 8, "GO": 7,
    "MA": 7, "AM": 4, "PB": 4, "ES": 4, "MT": 4, "RN": 3, "PI": 3, "AL": 3, "DF": 3, "MS": 3, "SE": 2, "RO": 2,
    "TO": 2, "AC": 1, "AP": 1, "RR": 1,
}  # fmt: skip
AREA_CODES: dict[str, str] = {
    "AC": "68", "AL": "82", "AM": "92", "AP": "96", "BA": "71", "CE": "85", "DF": "61", "ES": "27", "GO": "62",
    "MA": "98", "MG": "31", "MS": "67", "MT": "65", "PA": "91", "PB": "83", "PE": "81", "PI": "86", "PR": "41",
    "RJ": "21", "RN": "84", "RO": "69", "RR": "95", "RS": "51", "SC": "48", "SE": "79", "SP": "11", "TO": "63",
}  # fmt: skip

NEUTRAL_NAMES = ("Alex", "Ariel", "Dani", "Sam", "Cris", "Jordan", "Darci", "Juraci")
COMPANY_KINDS = ("Comércio de Alimentos", "Transportes", "Materiais de Construção", "Serviços Médicos", "Autopeças")
MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
          "novembro", "dezembro")  # fmt: skip

# What customers write, by regime and record type. "{mes}" is the month before receipt, "{n}" a number.
DESCRIPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "bcb": {
        "reclamacao": (
            "Cobrança de taxa de administração diferente da prevista no contrato do grupo {n}.",
            "Fui contemplado na assembleia de {mes} e a carta de crédito ainda não foi liberada.",
            "Meu lance na assembleia de {mes} não foi considerado, embora fosse o maior do grupo {n}.",
            "Cancelei a cota e até agora não recebi a devolução dos valores pagos.",
            "O boleto da parcela de {mes} veio com valor maior do que o das parcelas anteriores.",
            "O vendedor informou um prazo de contemplação que não consta do contrato.",
        ),
        "solicitacao": (
            "Solicito a segunda via do contrato de adesão do grupo {n}.",
            "Peço a transferência da minha cota para outro titular.",
            "Solicito o extrato de pagamentos da cota desde {mes}.",
        ),
        "informacao": (
            "Como funciona o lance embutido no grupo {n}?",
            "Quais documentos preciso apresentar para liberar a carta de crédito?",
            "Quando será a próxima assembleia do meu grupo?",
        ),
        "sugestao": ("Sugiro enviar um lembrete por WhatsApp antes do vencimento da parcela.",),
        "elogio": ("Agradeço a atenção da equipe que me orientou sobre a contemplação em {mes}.",),
        "denuncia": ("Um representante prometeu contemplação garantida para fechar a venda da cota.",),
    },
    "ans": {
        "reclamacao": (
            "A autorização da ressonância magnética foi negada sem justificativa por escrito.",
            "Enviei o pedido de reembolso da consulta em {mes} e ainda não foi pago.",
            "O reajuste da mensalidade ficou acima do percentual informado na carta de {mes}.",
            "Não consigo agendar consulta com endocrinologista da rede credenciada há mais de {n} dias.",
            "Fui cobrado de coparticipação em um procedimento que o contrato cobre integralmente.",
        ),
        "solicitacao": (
            "Solicito a inclusão do meu filho recém-nascido como dependente.",
            "Peço a segunda via da carteirinha do beneficiário.",
            "Solicito a portabilidade de carências para outro plano.",
        ),
        "informacao": (
            "A fisioterapia pós-operatória tem cobertura no meu plano?",
            "Qual é o prazo de carência para parto?",
            "Quais hospitais da rede atendem urgência pediátrica na minha cidade?",
        ),
        "sugestao": ("Sugiro que o aplicativo mostre o andamento das autorizações.",),
        "elogio": ("Quero elogiar o atendimento da central na autorização da cirurgia em {mes}.",),
        "denuncia": ("Um prestador está cobrando por fora para antecipar o atendimento.",),
    },
    "susep": {
        "reclamacao": (
            "Abri o sinistro do veículo em {mes} e ainda não recebi o parecer da seguradora.",
            "A indenização paga ficou abaixo do valor previsto na apólice.",
            "Pedi o cancelamento da apólice em {mes} e continuo sendo cobrado.",
            "A assistência 24 horas demorou mais de {n} horas para enviar o guincho.",
            "A vistoria do sinistro residencial foi agendada e ninguém compareceu.",
        ),
        "solicitacao": (
            "Solicito o endosso da apólice para a troca de veículo.",
            "Peço a segunda via da apólice do seguro residencial.",
            "Solicito a alteração do beneficiário do seguro de vida.",
        ),
        "informacao": (
            "Como aciono a assistência 24 horas do seguro auto?",
            "Quais coberturas o meu seguro residencial inclui?",
            "Qual é o prazo para a seguradora pagar a indenização?",
        ),
        "sugestao": ("Sugiro permitir o envio das fotos da vistoria pelo aplicativo.",),
        "elogio": ("Agradeço a rapidez na regulação do sinistro aberto em {mes}.",),
        "denuncia": ("Um corretor está oferecendo apólices que não aparecem no sistema da seguradora.",),
    },
}
# Open Insurance cases (seed 000 §6), used with the OPIN subjects.
OPIN_DESCRIPTIONS = (
    "Os dados compartilhados pelo Open Insurance estão diferentes dos que constam na minha apólice.",
    "Não consigo revogar o consentimento de compartilhamento de dados no Open Insurance.",
    "O site da seguradora ficou fora do ar quando tentei autorizar o compartilhamento.",
    "Quero saber como o Open Insurance trata os meus dados pessoais, conforme a LGPD.",
    "Fui direcionado à seguradora por uma dúvida sobre o Open Insurance que não é dela.",
)
FOLLOW_UPS = (
    "Gostaria de saber o andamento da minha manifestação.",
    "Envio em anexo os documentos solicitados.",
    "Ainda não tive retorno; peço prioridade.",
    "Complementando: o problema continua acontecendo.",
)
# Conclusive answers by record type; complaints judged unfounded get the "not_upheld" ones.
ANSWERS: dict[str, tuple[str, ...]] = {
    "reclamacao": (
        "Após análise, reconhecemos a falha e regularizamos a situação; o valor será estornado na próxima fatura.",
        "Verificamos o ocorrido, corrigimos o cadastro e reenviamos o documento pelo e-mail informado.",
    ),
    "not_upheld": (
        "Analisamos o caso e não identificamos descumprimento: o procedimento seguiu a cláusula contratual anexa.",
        "Após verificação, constatamos que a cobrança está correta; enviamos o demonstrativo detalhado.",
    ),
    "solicitacao": (
        "Sua solicitação foi atendida; a confirmação foi enviada por e-mail.",
        "Concluímos o pedido conforme solicitado; o documento está disponível na área do cliente.",
    ),
    "informacao": (
        "Esclarecemos a dúvida: as orientações completas estão na resposta enviada por e-mail.",
        "Informamos o procedimento passo a passo, conforme as condições do contrato.",
    ),
    "sugestao": ("Agradecemos a sugestão, que foi encaminhada à área responsável para avaliação.",),
    "elogio": ("Agradecemos o reconhecimento; o elogio foi repassado à equipe.",),
    "denuncia": (
        "A denúncia foi apurada e as medidas cabíveis foram adotadas junto aos envolvidos.",
        "A denúncia foi apurada e não foram encontrados indícios da irregularidade relatada.",
    ),
}
ANALYSTS = ("Carla Mendes", "Rafael Teixeira", "Juliana Rocha", "Diego Albuquerque", "Sônia Castro", "Paulo Henrique")
AREA_QUESTIONS = (
    "Favor confirmar a data do pagamento e anexar o comprovante.",
    "Pode verificar o histórico do contrato e informar a cláusula aplicável?",
    "Solicito o parecer técnico sobre o pedido do cliente.",
)
AREA_REPLIES = (
    "Pagamento localizado; comprovante anexado.",
    "Cláusula 7.2 do contrato; cópia anexa.",
    "Parecer anexo.",
)

RECORD_TYPE_WEIGHTS = (
    ("reclamacao", 45),
    ("informacao", 22),
    ("solicitacao", 20),
    ("sugestao", 5),
    ("elogio", 5),
    ("denuncia", 3),
)
MEDIUM_WEIGHTS = (
    ("phone", 45),
    ("web-form", 20),
    ("email", 15),
    ("whatsapp", 10),
    ("chat", 5),
    ("in-person", 3),
    ("letter", 2),
)
UPHELD = tuple(code for code, (merits, _) in MERITS_REASONS.items() if merits == "upheld")


@dataclass
class DemoResult:
    entities_created: int
    cases: int


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@transaction.atomic
def demo_entities_ensure() -> tuple[list[Entity], int]:
    """The demo entities with their group, areas and key contact (created once, found by slug afterwards)."""
    group, _ = EconomicGroup.objects.get_or_create(slug=GROUP[0], defaults={"name": GROUP[1]})
    entities, created = [], 0
    for spec in ENTITIES:
        base = spec.cnpj_base
        entity, is_new = Entity.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "cnpj": base + cnpj.calc_check_digits(base),
                "regime": spec.regime,
                "institution_kind": spec.institution_kind,
                "opin_participant": spec.opin_participant,
                "state": spec.state,
                "city": spec.city,
                "group": group if spec.group else None,
                "ombudsman_name": spec.ombudsman[0],
                "ombudsman_email": spec.ombudsman[1],
                "ombudsman_phone": spec.ombudsman[2],
                "substitute_name": spec.substitute[0],
                "substitute_email": spec.substitute[1],
                "substitute_phone": spec.substitute[2],
                # Fictitious contacts in the 0800 range, for the citizen portal.
                "sac_phone": f"0800 {base[:3]} {base[3:7]}",
                "sac_email": f"sac@{spec.slug}.example.com",
                "sac_hours": "Segunda a sexta, das 8h às 20h; sábados, das 9h às 15h",
                "transactional_phone": f"0800 {base[4:7]} {base[:4]}",
                "ombudsman_hours": "Segunda a sexta, das 9h às 18h",
                "website": f"https://www.{spec.slug}.example.com",
            },
        )
        created += is_new
        for area in AREAS:
            email = f"{_fold(area).replace(' ', '-')}.{spec.slug}@example.com"
            Area.objects.get_or_create(entity=entity, name=area, defaults={"email": email})
        name, role, email, phone = spec.key_contact
        KeyContact.objects.get_or_create(
            entity=entity, name=name, defaults={"role": role, "email": email, "phone": phone}
        )
        entities.append(entity)
    return entities, created


class _Generator:
    """Draws one case after another; every choice comes from ``self.rng``."""

    def __init__(self, entities: Sequence[Entity], seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        self.entities = list(entities)
        self.specs = {spec.slug: spec for spec in ENTITIES}
        self.entity_weights = [self.specs[e.slug].weight for e in self.entities]
        self.calendars: dict[int, BusinessCalendar] = {e.pk: entity_calendar(e) for e in self.entities}
        self.areas = {
            e.pk: list(Area.objects.filter(entity=e).order_by("name").values_list("pk", "name")) for e in self.entities
        }
        self.instance_kinds = dict(Instance.objects.values_list("code", "kind"))
        # OPIN subjects (seed 000 §6) with the record types and instances they apply to.
        self.subjects = [
            (s.pk, {t.code for t in s.record_types.all()}, {i.code for i in s.instances.all()})
            for s in Subject.objects.filter(active=True, is_opin=True).prefetch_related("record_types", "instances")
        ]
        # The subjects of each entity's own catalogue (issue 14), beside the OPIN ones.
        self.regime_subjects = {
            e.pk: list(entity_subjects(e).filter(is_opin=False).order_by("pk").values_list("pk", flat=True))
            for e in self.entities
        }
        self.states = list(STATE_WEIGHTS)
        self.state_weights = list(STATE_WEIGHTS.values())
        self.due: dict[tuple[int, str, date], date] = {}
        self.pool: list[tuple[RequesterRecord, str, str]] = []

    # -- helpers -----------------------------------------------------------------------------------------------

    def pick(self, weighted: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def at(self, day: date, earliest: datetime, hours: tuple[int, int] = (8, 19)) -> datetime:
        """A moment of ``day`` in office hours, after ``earliest`` and not after now."""
        moment = datetime.combine(day, time(self.rng.randint(*hours), self.rng.randrange(60)), tzinfo=self.tz)
        if moment <= earliest:
            moment = earliest + timedelta(minutes=self.rng.randint(5, 120))
        return min(moment, self.now)

    def due_on(self, entity: Entity, policy: str, received_on: date) -> date:
        key = (entity.pk, policy, received_on)
        if key not in self.due:
            self.due[key] = deadlines.due_date(get_policy(policy), received_on, self.calendars[entity.pk])
        return self.due[key]

    def document(self, company: bool) -> str:
        if company:
            base = f"{self.rng.randrange(1, 10**8):08d}0001"
            return base + cnpj.calc_check_digits(base)
        base = f"{self.rng.randrange(1, 10**9):09d}"
        # stdnum exposes the CPF check digits only through this helper (is_valid uses it too).
        return base + cpf._calc_check_digits(base)

    def requester(self, home_state: str) -> tuple[RequesterRecord, str, str]:
        """A new requester (15% of the time one seen before), and the UF and city of the case."""
        rng = self.rng
        if self.pool and rng.random() < 0.15:
            return rng.choice(self.pool)
        state = home_state if rng.random() < 0.4 else rng.choices(self.states, self.state_weights)[0]
        cities = CITIES[state]
        city = cities[0] if rng.random() < 0.5 else rng.choice(cities)
        company = rng.random() < 0.04
        phone = f"{AREA_CODES[state]}9{rng.randrange(10**8):08d}" if rng.random() < 0.7 else ""
        if company:
            surname = rng.choice(SURNAMES)
            name = f"{surname} {rng.choice(COMPANY_KINDS)} Ltda."
            fields = {"name": name, "email": f"contato.{_fold(surname)}{rng.randrange(1000)}@example.com", "gender": ""}
            kind = "company"
        else:
            gender = rng.choices(("F", "M", "NB", "Outro", ""), (48, 45, 2, 1, 4))[0]
            first = rng.choice(
                FEMALE_NAMES if gender == "F" else MALE_NAMES if gender == "M" else NEUTRAL_NAMES + FEMALE_NAMES
            )
            last = rng.sample(SURNAMES, 2)
            name = f"{first} {last[0]} {last[1]}"
            email = f"{_fold(first)}.{_fold(last[1])}{rng.randrange(10000)}@example.com"
            fields = {"name": name, "email": email, "gender": gender}
            kind = "person"
        fields |= {"document": self.document(company), "phone": phone, "state": state, "city": city}
        record = (RequesterRecord(kind, fields), state, city)
        self.pool.append(record)
        if len(self.pool) > 50_000:
            del self.pool[:10_000]
        return record

    def description(self, entity: Entity, record_type: str, received_on: date, opin: bool) -> str:
        rng = self.rng
        if opin:
            return rng.choice(OPIN_DESCRIPTIONS)
        month = (received_on.replace(day=1) - timedelta(days=1)).month
        template = rng.choice(DESCRIPTIONS[entity.regime][record_type])
        return template.format(mes=MONTHS[month - 1], n=rng.randint(10, 999))

    # -- one case ----------------------------------------------------------------------------------------------

    def case(self) -> CaseRecord:
        rng = self.rng
        entity = rng.choices(self.entities, self.entity_weights)[0]
        spec = self.specs[entity.slug]
        instance = self.pick(spec.channels)
        kind = self.instance_kinds[instance]
        record_type = self.pick(RECORD_TYPE_WEIGHTS)
        if record_type == "denuncia" and instance != "ouvidoria":
            record_type = "reclamacao"
        if kind == "external" and record_type in ("sugestao", "elogio"):
            record_type = "reclamacao"
        medium = "external-platform" if kind == "external" else "chat" if instance == "chatbot" else None
        medium = medium or self.pick(MEDIUM_WEIGHTS)
        policy = default_policy_code(instance, entity.regime)

        subject_id = None
        if entity.opin_participant and rng.random() < 0.3:
            fitting = [pk for pk, types, instances in self.subjects if record_type in types and instance in instances]
            subject_id = rng.choice(fitting) if fitting else None
        opin_subject = subject_id is not None
        if subject_id is None and self.regime_subjects[entity.pk] and rng.random() < 0.8:
            subject_id = rng.choice(self.regime_subjects[entity.pk])

        days_ago = int(HISTORY_DAYS * rng.random() ** 1.15)
        received_on = self.today - timedelta(days=days_ago)
        start = datetime.combine(received_on, time(0), tzinfo=self.tz)
        received_at = self.at(received_on, start - timedelta(minutes=1), (7, 21))
        received_on = timezone.localtime(received_at).date()
        due_on = self.due_on(entity, policy, received_on)

        anonymous = record_type == "denuncia" and rng.random() < 0.5
        requester, state, city = (None, entity.state, entity.city) if anonymous else self.requester(entity.state)
        agent = rng.choice(ANALYSTS)
        events = [
            EventRecord(
                "registration",
                received_at,
                {"due": due_on.isoformat(), "policy": policy},
                actor_label=agent if medium in ("phone", "in-person") else "sistema",
            )
        ]
        record = CaseRecord(
            entity_id=entity.pk,
            instance=instance,
            medium=medium,
            record_type=record_type,
            subject_id=subject_id,
            policy=policy,
            description=self.description(entity, record_type, received_on, opin_subject),
            state=state,
            city=city,
            received_at=received_at,
            received_on=received_on,
            due_on=due_on,
            status="new",
            interaction_count=1,
            events=events,
            requester=requester,
            anonymous=anonymous,
            name_confidential=instance == "ouvidoria" and not anonymous and rng.random() < 0.03,
        )
        self.timeline(record, entity, agent, kind)
        record.events.sort(key=lambda e: e.at)
        return record

    def timeline(self, r: CaseRecord, entity: Entity, agent: str, instance_kind: str) -> None:
        """Triage, messages, forwards, merits, answer, closure and evaluation, as far as the case got."""
        rng = self.rng
        overdue = r.due_on < self.today
        age = (self.today - r.received_on).days
        concluded = rng.random() < (0.96 if overdue else 0.45 if age > 1 else 0.1)
        if not concluded and age <= 1 and rng.random() < 0.6:
            return  # just registered: status "new"
        last = self.at(r.received_on, r.received_at)
        r.events.append(EventRecord("triage", last, {"changes": {}}, actor_label=agent))
        r.status = "in_analysis"
        if rng.random() < 0.4:
            body = "Recebemos sua manifestação e vamos analisá-la. Você será informado sobre o andamento."
            r.events.append(EventRecord("message_out", last + timedelta(minutes=5), body=body, actor_label=agent))

        conclusion: datetime | None = None
        if concluded:
            latest = min(self.today, r.due_on)
            if rng.random() < 0.12 and r.due_on < self.today:  # late
                day = min(self.today, r.due_on + timedelta(days=rng.randint(1, 15)))
            else:
                day = r.received_on + timedelta(days=rng.randint(0, max((latest - r.received_on).days, 0)))
            conclusion = self.at(day, last + timedelta(minutes=30))
            if conclusion <= last:
                conclusion = None
        end = conclusion or self.now

        for _ in range(rng.choices((0, 1, 2, 3), (55, 25, 12, 8))[0]):
            moment = last + (end - last) * rng.random()
            r.events.append(
                EventRecord("message_in", moment, {"medium": r.medium}, rng.choice(FOLLOW_UPS), "manifestante")
            )
            r.interaction_count += 1

        areas = self.areas[entity.pk]
        if areas and rng.random() < (0.25 if conclusion else 0.3):
            area_id, area_name = rng.choice(areas)
            asked = last + (end - last) * rng.random() * 0.5
            calendar = self.calendars[entity.pk]
            asked_on = timezone.localtime(asked).date()
            area_due = max(min(calendar.add_business_days(asked_on, 3), r.due_on), asked_on)
            forward = ForwardRecord(area_id, area_name, rng.choice(AREA_QUESTIONS), area_due, asked, actor_label=agent)
            if conclusion is not None:
                forward.replied_at = asked + (conclusion - asked) * rng.uniform(0.3, 0.9)
                forward.reply = rng.choice(AREA_REPLIES)
            elif rng.random() < 0.5:
                r.status = "waiting_area"
            else:
                forward.replied_at = asked + (end - asked) * rng.uniform(0.3, 0.9)
                forward.reply = rng.choice(AREA_REPLIES)
            r.forwards.append(forward)

        wants_merits = r.record_type in ("reclamacao", "denuncia") and (
            (conclusion is not None and (instance_kind == "ombudsman" or rng.random() < 0.6)) or rng.random() < 0.15
        )
        if wants_merits:
            reason = rng.choice(UPHELD) if rng.random() < 0.4 else "no_breach"
            r.merits, r.merits_reason = MERITS_REASONS[reason][0], reason
            moment = last + ((conclusion or end) - last) * rng.uniform(0.6, 0.95)
            r.events.append(EventRecord("merits", moment, {"merits": r.merits, "reason": reason}, actor_label=agent))

        if conclusion is None:
            return
        on_time = timezone.localtime(conclusion).date() <= r.due_on
        params = {"on_time": on_time, "due": r.due_on.isoformat(), "to_external_body": instance_kind == "external"}
        answers = ANSWERS["not_upheld" if r.merits == "not_upheld" and r.record_type == "reclamacao" else r.record_type]
        r.events.append(EventRecord("answer", conclusion, params, rng.choice(answers), agent))
        r.concluded_at, r.status = conclusion, "answered"
        if rng.random() < 0.35:
            resolved = rng.random() < 0.65
            rating = rng.choice((4, 5, 5)) if resolved else rng.choice((1, 2, 2, 3))
            moment = min(conclusion + timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 12)), self.now)
            r.resolved, r.rating = resolved, rating
            params = {"resolved": resolved, "rating": rating}
            r.events.append(EventRecord("evaluation", moment, params, actor_label="manifestante"))
        if self.now - conclusion > timedelta(days=7) and rng.random() < 0.85:
            closed = min(conclusion + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 8)), self.now)
            r.events.append(EventRecord("closure", closed, actor_label=agent))
            r.closed_at, r.status = closed, "closed"


def demo_seed(
    *,
    cases: int,
    seed: int = 1,
    progress: Callable[[int], Any] | None = None,
) -> DemoResult:
    """Ensure the demo entities and add ``cases`` manifestations."""
    entities, created = demo_entities_ensure()
    generator = _Generator(entities, seed)
    writer = CaseWriter()
    written = 0
    while written < cases:
        batch = [generator.case() for _ in range(min(BATCH_SIZE, cases - written))]
        writer.write(batch)
        written += len(batch)
        if progress is not None:
            progress(len(batch))
    return DemoResult(entities_created=created, cases=written)
