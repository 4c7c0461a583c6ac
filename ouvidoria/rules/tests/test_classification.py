"""The classification table and the access rule reading it."""

import pytest

from ouvidoria.rules import classification as c
from ouvidoria.rules import disclosure as rule
from ouvidoria.rules.classification import INTERNAL, PERSONAL, PUBLIC, SENSITIVE


def test_the_levels_are_ordered_and_each_has_its_label_definition_and_source():
    assert PUBLIC < INTERNAL < PERSONAL < SENSITIVE
    assert [level.label for level in c.Level] == ["Pública", "Interna", "Dado pessoal", "Dado pessoal sensível"]
    assert [level.token for level in c.Level] == ["publica", "interna", "pessoal", "sensivel"]
    assert c.DEFINITIONS[PERSONAL][1] == "LGPD art. 5 I"
    assert c.DEFINITIONS[SENSITIVE][1].startswith("LGPD art. 5 II")


def test_personal_entries_name_whose_data_they_are_and_the_rest_name_no_one():
    for key, entry in {**c.FIELDS, **c.EXTERNAL_FIELDS, **c.FILES}.items():
        if entry.level >= PERSONAL:
            assert entry.subject in (c.REQUESTER, c.STAFF, c.CONTACT), key
        else:
            assert not entry.subject, key
            assert not entry.derived, key


def test_the_requester_identity_is_the_tables_personal_fields_of_the_requester_in_the_order_shown():
    assert rule.IDENTITY_FIELDS == ("name", "social_name", "document", "email", "phone", "address", "gender")
    # The keyed hashes beside them are personal too, but derived: no one reads them.
    assert c.personal_fields("cases.Requester", shown=False) == (*rule.IDENTITY_FIELDS, "document_hash", "email_hash")


def test_free_text_and_documents_are_sensitive_health_data_may_be_in_them():
    for key in ("cases.Manifestation.description", "cases.Event.body", "cases.Forward.reply", "cases.AnswerDraft.body"):
        assert c.level_of(key) is SENSITIVE
    assert c.level_of("attachment.document") is SENSITIVE
    assert c.level_of("attachment.recording") is SENSITIVE
    assert c.level_of("cases.Manifestation.protocol") is INTERNAL
    assert c.level_of("catalogue.Subject.label") is PUBLIC


def test_an_unclassified_key_is_an_error_that_says_where_to_classify_it():
    with pytest.raises(KeyError, match=r"ouvidoria/rules/classification\.py"):
        c.level_of("cases.Manifestation.nonexistent")


def test_highest_is_the_top_level_of_the_keys_and_never_below_internal():
    assert c.highest(["catalogue.Subject.label"]) is INTERNAL
    assert c.highest([]) is INTERNAL
    assert c.highest(["catalogue.Subject.label"], floor=PUBLIC) is PUBLIC
    assert c.highest(["cases.Manifestation.protocol", "cases.Manifestation.assignee"]) is PERSONAL
    assert c.highest(iter(["cases.Manifestation.description", "cases.Requester.email"])) is SENSITIVE


@pytest.mark.parametrize("role", sorted(rule.TABLE))
def test_sees_field_agrees_with_the_disclosure_table(role):
    d = rule.TABLE[role]
    for field in rule.IDENTITY_FIELDS:
        assert rule.sees_field(d, f"cases.Requester.{field}") is d.sees(field)
    assert rule.sees_field(d, "cases.Manifestation.description") is d.description
    assert rule.sees_field(d, "attachment.document") is (d.attachments != "none")
    assert rule.sees_field(d, "cases.AnswerDraft.body") is d.drafts
    # Internal and public information is everyone's who reached it; a staff member's name is a colleague's.
    assert rule.sees_field(d, "cases.Manifestation.protocol")
    assert rule.sees_field(d, "cases.Manifestation.assignee")
    # The keyed hashes: no one.
    assert not rule.sees_field(d, "cases.Requester.document_hash")


def test_a_confidential_name_hides_every_identity_field_from_who_does_not_answer():
    hidden = rule.disclosure_for("auditor", instance_kind="ombudsman", name_confidential=True)
    assert not any(rule.sees_field(hidden, f"cases.Requester.{f}") for f in rule.IDENTITY_FIELDS)
    assert not rule.sees_field(hidden, "retention.LegalHold.reason")  # the requester's data outside the case parts
    assert rule.sees_field(rule.TABLE["analyst"], "retention.LegalHold.reason")


def test_no_one_signed_out_sees_personal_data_of_anyone():
    assert not rule.sees_field(rule.NOTHING, "cases.Manifestation.assignee")
    assert not rule.sees_field(rule.NOTHING, "cases.Requester.name")
    assert rule.sees_field(rule.NOTHING, "faq.Article.body")


def test_the_bare_names_a_log_filter_redacts():
    names = c.personal_names()
    assert {"document", "email", "phone", "description", "body", "ip_address"} <= names
    assert "protocol" not in names
    assert "status" not in names
