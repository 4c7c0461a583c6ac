import pytest

from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import check_identity_confirmed


def test_identity_is_confirmed_with_three_data_cpf_mandatory():
    check_identity_confirmed({"cpf", "name", "mother_name"})


@pytest.mark.parametrize("confirmed", [{"name", "mother_name", "phone"}, {"cpf", "name"}, set()])
def test_identity_without_the_cpf_or_with_fewer_than_three_data_is_refused(confirmed):
    with pytest.raises(RuleViolation, match="CPF obrigatório"):
        check_identity_confirmed(confirmed)
