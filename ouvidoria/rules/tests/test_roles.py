import pytest

from ouvidoria.rules import roles


@pytest.mark.parametrize(
    ("role", "action", "kind", "allowed"),
    [
        ("attendant", "register", "first_instance", True),
        ("attendant", "answer", "first_instance", True),
        ("attendant", "answer", "ombudsman", False),
        ("analyst", "answer", "ombudsman", False),
        ("analyst", "answer_propose", "ombudsman", True),
        ("ombudsman", "answer", "ombudsman", True),
        ("ombudsman", "answer_approve", "ombudsman", True),
        ("analyst", "answer_approve", "ombudsman", False),
        ("analyst", "merits", "ombudsman", False),
        ("analyst", "merits", "first_instance", True),
        ("ombudsman", "merits", "ombudsman", True),
        ("analyst", "extension", "ombudsman", False),
        ("analyst", "extension", "first_instance", True),
        ("ombudsman", "extension", "ombudsman", True),
        ("area", "area_reply", "ombudsman", True),
        ("area", "answer", "first_instance", False),
        ("manager", "view", "", True),
        ("manager", "internal_note", "", False),
        ("auditor", "internal_note", "", False),
        ("auditor", "register", "", False),
        ("admin", "register", "", False),
        ("admin", "configure", "", True),
        ("integration", "answer", "ombudsman", True),
        ("", "view", "", False),
        ("nobody", "view", "", False),
    ],
)
def test_who_may_do_what(role, action, kind, allowed):
    assert roles.can(role, action, instance_kind=kind) is allowed


def test_only_the_ouvidor_signs_what_leaves_the_ouvidoria():
    assert roles.needs_approval("analyst", "ombudsman")
    assert roles.needs_approval("attendant", "ombudsman")
    assert not roles.needs_approval("ombudsman", "ombudsman")
    assert not roles.needs_approval("attendant", "first_instance")


def test_the_ouvidor_the_director_and_administrators_need_a_second_factor():
    # Those who sign (answers, the semiannual report) and those who configure.
    assert {"ombudsman", "director", "admin"} == roles.TOTP_REQUIRED


def test_every_role_has_a_label_and_permissions():
    assert set(roles.ROLE_LABELS) <= set(roles.PERMISSIONS)
    assert all(roles.can(role, "view") for role in roles.ROLE_LABELS)
