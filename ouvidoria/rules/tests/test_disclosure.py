from hypothesis import given
from hypothesis import strategies as st

from ouvidoria.rules import roles
from ouvidoria.rules.disclosure import (
    REDACTED,
    TABLE,
    answers_case,
    disclosure_for,
    mask,
    mask_email,
    redact,
)


def test_every_role_has_a_line_in_the_table():
    assert set(TABLE) == set(roles.ROLE_LABELS) | {roles.FULL_ACCESS}


def test_internal_areas_and_managers_never_read_the_requester():
    for role in ("area", "manager", "admin"):
        assert disclosure_for(role, instance_kind="ombudsman").identity == frozenset()


def test_an_unknown_role_reads_nothing():
    nothing = disclosure_for("visitante", instance_kind="ombudsman")
    assert not nothing.identity
    assert not nothing.description
    assert not nothing.events


def test_a_confidential_name_is_read_only_by_whoever_answers_the_case():
    at_ouvidoria = {r for r in TABLE if disclosure_for(r, instance_kind="ombudsman", name_confidential=True).identity}
    assert at_ouvidoria == {"analyst", "ombudsman", roles.FULL_ACCESS}
    at_sac = {r for r in TABLE if disclosure_for(r, instance_kind="sac", name_confidential=True).identity}
    assert at_sac == {"attendant", "analyst", "ombudsman", roles.FULL_ACCESS}
    assert not answers_case("auditor", "ombudsman")


def test_the_name_is_taken_out_of_free_text_whatever_the_accents_and_case():
    text = "Sou QUITERIA Bernardes; a Sra. Quitéria ligou. Bernardo não."
    assert redact(text, names=["Quitéria Bernardes Valadares"]) == (
        f"Sou {REDACTED} {REDACTED}; a Sra. {REDACTED} ligou. Bernardo não."
    )


def test_the_particles_of_a_name_stay_in_the_text():
    assert redact("a casa da Ana, do Zé", names=["Ana da Silva", "Zé"]) == f"a casa da {REDACTED}, do Zé"


def test_cpf_and_phone_are_taken_out_with_or_without_punctuation():
    text = "CPF 529.982.247-25, ou 52998224725; fone (11) 98765-4321 e 11987654321; conta 5299822472500."
    out = redact(text, numbers=["52998224725", "11987654321"])
    assert "529" not in out.replace("5299822472500", "")
    assert "98765" not in out
    assert "5299822472500" in out  # a longer number that contains the CPF is another number


def test_email_and_address_are_taken_out_as_written():
    out = redact("Escreva para Fulano.Tal@Exemplo.com ou Rua A, 12", exact=["fulano.tal@exemplo.com", "Rua A, 12"])
    assert out == f"Escreva para {REDACTED} ou {REDACTED}"


def test_masks_keep_only_the_ends():
    assert mask("52998224725", 3, 2) == "529••••••25"
    assert mask_email("maria@example.com") == "m••••@example.com"
    assert mask("12", 3, 2) == "••"


@given(st.text(max_size=200))
def test_redaction_without_anything_to_take_out_changes_nothing(text):
    assert redact(text) == text


@given(st.text(alphabet="abcçãéíoú XYZ.-@0123456789", max_size=80))
def test_redacted_text_never_contains_the_name(text):
    name = "Quitéria Valadares"
    out = redact(f"{text} Quitéria {text} VALADARES {text}", names=[name])
    folded = out.lower().replace("é", "e")
    # The alphabet cannot spell either word: whatever is left of them came from the name.
    assert "quiteria" not in folded
    assert "valadares" not in folded


def test_the_usual_ways_of_writing_a_cpf_or_a_phone_are_all_taken_out():
    """A review found commas, underscores, full-width digits and a phone without its area code getting through."""
    for written in ("529,982,247-25", "529_982_247_25", "５２９.９８２.２４７-２５", "529 982 247 25"):
        assert "247" not in redact(f"CPF {written}.", numbers=["52998224725"]), written
    assert "4321" not in redact("ligue 98765-4321", numbers=["11987654321"])


def test_a_name_typed_with_decomposed_accents_is_taken_out():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Quitéria")
    assert redact(f"sou {decomposed}", names=["Quitéria Valadares"]) == f"sou {REDACTED}"
