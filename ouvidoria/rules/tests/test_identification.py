import pytest

from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import check_identity_confirmed


def test_identity_is_confirmed_with_three_data_cpf_mandatory():
    check_identity_confirmed({"cpf", "name", "mother_name"})


@pytest.mark.parametrize("confirmed", [{"name", "mother_name", "phone"}, {"cpf", "name"}, set()])
def test_identity_without_the_cpf_or_with_fewer_than_three_data_is_refused(confirmed):
    with pytest.raises(RuleViolation, match="CPF obrigatório"):
        check_identity_confirmed(confirmed)


def test_a_cnpj_is_printed_with_its_punctuation():
    from ouvidoria.rules.identification import format_cnpj

    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
    assert format_cnpj("12ABC34501DE35") == "12.ABC.345/01DE-35"
    assert format_cnpj("123") == "123"
