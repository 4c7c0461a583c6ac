"""The keyed hashes people are found by: name words and phone forms, normalised the same way on both sides."""

from ouvidoria.privacy.tokens import name_words, phone_digits, phone_forms, requester_digests


def test_name_words_ignore_accents_case_particles_and_repeats():
    assert name_words("Vanessa ARAÚJO de Almeida") == ["vanessa", "araujo", "almeida"]
    assert name_words("José dos Santos e Silva D'Ávila") == ["jose", "santos", "silva", "avila"]
    assert name_words("Ana  Ana") == ["ana"]
    # Decomposed accents (as some keyboards and imports write them) fold the same way.
    assert name_words("Jose\u0301 Conceic\u0327a\u0303o") == ["jose", "conceicao"]
    assert name_words("de da dos") == []


def test_a_phone_is_its_national_number_whatever_the_punctuation_or_prefix():
    for typed in ("(11) 98765-4321", "+55 11 98765-4321", "5511987654321", "011 98765-4321", "11.98765.4321"):
        assert phone_digits(typed) == "11987654321", typed
    assert phone_digits("(21) 3456-7890") == "2134567890"
    assert phone_digits("98765-4321") == "987654321"
    assert phone_digits("123") is None
    assert phone_digits("0000000000") is None
    assert phone_forms("(11) 98765-4321") == ["11987654321", "987654321"]
    assert phone_forms("3456-7890") == ["34567890"]


def test_the_digests_of_a_requester_cover_name_social_name_and_phone_and_never_collide_across_kinds():
    digests = requester_digests(name="Ana Souza", social_name="Bia Souza", phone="(11) 3456-7890")
    # ana, souza, bia; the phone's national number and the number alone.
    assert len(digests) == 5
    assert requester_digests(name="", social_name="", phone="") == set()
    # A word and a number that happen to be spelled alike are different keys.
    assert requester_digests(name="34567890", social_name="", phone="") != requester_digests(
        name="", social_name="", phone="3456-7890"
    )
    # Nothing readable is kept: hex digests only.
    assert all(len(d) == 64 and "souza" not in d for d in digests)
