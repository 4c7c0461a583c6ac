from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "ouvidoria-demo-2026"  # noqa: S105 - a development-only login, refused in production


class Command(BaseCommand):
    help = "Cria (ou restaura) o login de demonstração da equipe e o exibe. Recusado em produção."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("O login de demonstração não existe em produção.")
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Login de demonstração: usuário “{DEMO_USERNAME}”, senha “{DEMO_PASSWORD}” "
                "— http://127.0.0.1:8000/admin/ e http://127.0.0.1:8000/api/docs/"
            )
        )
