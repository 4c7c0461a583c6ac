import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouvidoria.cases.tests.factories import EntityFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db
PASSWORD = "senha-forte-2026"


def user_with_password(role, **fields):
    user = staff_user(role, entities=[EntityFactory.create()], **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_analyst_signs_in_with_a_password_and_reaches_the_queue():
    user = user_with_password("analyst", username="ana")
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("workspace:queue")).status_code == 200
    assert user.password.startswith("argon2")


def test_the_workspace_asks_anonymous_visitors_to_sign_in():
    response = Client().get(reverse("workspace:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(settings):
    user_with_password("analyst", username="bruno")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "bruno", "password": "errada"})
    locked = client.post(reverse("accounts:login"), {"username": "bruno", "password": PASSWORD})
    assert locked.status_code == 429
    assert "bloqueado" in locked.content.decode()
    assert client.get(reverse("workspace:queue")).status_code == 302


def test_the_ouvidor_must_enrol_a_second_factor_before_working():
    user_with_password("ombudsman", username="ouvidor")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ouvidor", "password": PASSWORD})
    response = client.get(reverse("workspace:queue"))
    assert response["Location"] == reverse("accounts:totp_setup")
    setup = client.get(reverse("accounts:totp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="ouvidor", confirmed=False)
    wrong = client.post(
        reverse("accounts:totp_setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "não confere" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure makes the next try wait (django-otp throttling); the test does not sleep
    client.post(reverse("accounts:totp_setup"), {"token": current_code(device)})
    assert client.get(reverse("workspace:queue")).status_code == 200


def test_an_enrolled_user_gives_the_code_at_every_sign_in():
    user = user_with_password("analyst", username="carla")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "carla", "password": PASSWORD})
    assert client.get(reverse("workspace:queue"))["Location"] == reverse("accounts:otp_verify")
    bad = client.post(reverse("accounts:otp_verify"), {"token": "12ab56"})
    assert "somente números" in bad.content.decode()
    client.post(reverse("accounts:otp_verify"), {"token": current_code(device)})
    assert client.get(reverse("workspace:queue")).status_code == 200


def test_a_user_without_a_role_is_told_so():
    user = UserFactory.create(username="semrole")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("workspace:queue"))
    assert response.status_code == 403
    assert "ainda não tem papel" in response.content.decode()


def test_the_admin_uses_the_same_sign_in_and_second_factor():
    anonymous = Client().get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    admin = UserFactory.create(username="root", is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:totp_setup")


def test_an_administrator_configures_entities_in_the_admin_and_others_cannot():
    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.accounts.services import staff_role_apply
    from ouvidoria.cases.tests.factories import signed_in

    admin_user = staff_user("admin", entities=[EntityFactory.create()])
    staff_role_apply(StaffProfile.objects.get(user=admin_user))
    client = signed_in(admin_user)
    assert client.get("/admin/entities/entity/").status_code == 200
    assert client.get("/admin/cases/manifestation/").status_code in {403, 404}
    analyst = staff_user("analyst", entities=[EntityFactory.create()])
    staff_role_apply(StaffProfile.objects.get(user=analyst))
    assert signed_in(analyst).get("/admin/entities/entity/").status_code == 302


def test_the_api_through_a_session_also_waits_for_the_second_factor():
    user = user_with_password("ombudsman", username="chefe")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "chefe", "password": PASSWORD})
    assert client.get("/api/v1/manifestations/").status_code in {401, 403}
    from ouvidoria.cases.tests.factories import signed_in

    assert signed_in(user).get("/api/v1/manifestations/").status_code == 200
