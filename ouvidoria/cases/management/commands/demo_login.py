from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.accounts.models import StaffProfile
from ouvidoria.entities.models import Area, Entity
from ouvidoria.rules.roles import ROLE_LABELS

DEMO_PASSWORD = "ouvidoria-demo-2026"  # noqa: S105 - development-only logins, refused in production
# username, full name, role. The analyst works without a second factor; the Ouvidor enrols one at first sign-in,
# as the product requires of that role.
DEMO_USERS = (
    ("demo", "Ana Demonstração", "analyst"),
    ("ouvidor", "Otávio Ouvidor", "ombudsman"),
    ("atendente", "Alice Atendente", "attendant"),
    ("financeiro", "Fábio Financeiro", "area"),
    ("gestor", "Gabriela Gestora", "manager"),
    ("auditor", "Aurora Auditora", "auditor"),
)
DEMO_USERNAME = DEMO_USERS[0][0]


class Command(BaseCommand):
    help = "Cria (ou restaura) os logins de demonstração da equipe e os exibe. Recusado em produção."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/painel/", help="o endereço do painel exibido (make run o informa)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("O login de demonstração não existe em produção.")
        entities = list(Entity.objects.filter(is_external=False))
        for username, full_name, role in DEMO_USERS:
            first, _, last = full_name.partition(" ")
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_active, user.is_superuser = True, False
            user.is_staff = role == "admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
            profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
            profile.entities.set(entities)
            if role == "area":
                profile.areas.set(Area.objects.filter(entity__in=entities, name="Financeiro"))
        names = ", ".join(f"“{u}” ({ROLE_LABELS[r]})" for u, _, r in DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Login de demonstração: usuário “{DEMO_USERNAME}”, senha “{DEMO_PASSWORD}” — "
                f"{options['url']}\n"
                f"Outros papéis, mesma senha: {names}. O Ouvidor ativa o segundo fator no primeiro acesso."
            )
        )
