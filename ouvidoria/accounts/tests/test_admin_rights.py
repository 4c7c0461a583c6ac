"""An administrator configures the installation but cannot raise anyone's rights above its own, its own included
(a review found an administrator making itself superuser through Django's admin, and then reading every
requester's data)."""

import pytest

from ouvidoria.accounts.models import StaffProfile
from ouvidoria.accounts.services import staff_role_apply
from ouvidoria.cases.tests.factories import EntityFactory, UserFactory, signed_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    entity = EntityFactory.create()
    admin_user = staff_user("admin", entities=[entity], username="admin-local")
    staff_role_apply(StaffProfile.objects.get(user=admin_user))
    return admin_user, signed_in(admin_user), entity


def test_an_administrator_cannot_make_itself_superuser_nor_change_its_own_account_or_role(admin_client):
    admin_user, client, _ = admin_client
    own = f"/admin/auth/user/{admin_user.pk}/change/"
    assert 'name="is_superuser"' not in client.get(own).content.decode()  # its own account: read only
    posted = client.post(
        own, {"username": admin_user.username, "is_superuser": "on", "is_staff": "on", "is_active": "on"}
    )
    assert posted.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    profile = StaffProfile.objects.get(user=admin_user)
    assert client.post(f"/admin/accounts/staffprofile/{profile.pk}/change/", {"role": "analyst"}).status_code == 403
    profile.refresh_from_db()
    assert profile.role == "admin"


def test_an_administrator_manages_others_accounts_but_not_their_rights_nor_superusers(admin_client):
    _, client, entity = admin_client
    analyst = staff_user("analyst", entities=[entity], username="ana")
    page = client.get(f"/admin/auth/user/{analyst.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()  # shown read-only
    client.post(
        f"/admin/auth/user/{analyst.pk}/change/",
        {"username": "ana", "first_name": "Ana", "is_superuser": "on", "is_active": "on"},
    )
    analyst.refresh_from_db()
    assert not analyst.is_superuser
    root = UserFactory.create(username="raiz", is_superuser=True)
    assert client.get(f"/admin/auth/user/{root.pk}/change/").status_code in (302, 403, 404)
    assert "raiz" not in client.get("/admin/auth/user/").content.decode()
