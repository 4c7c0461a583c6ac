"""The logs read the classification: every handler redacts personal fields and masks CPF, CNPJ and e-mail."""

import io
import logging
from collections.abc import Iterator

import pytest

from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.lib.logfilter import MASK, PersonalDataFilter, mask

CPF = "529.982.247-25"
EMAIL = "quiteria.valadares@exemplo.com.br"


@pytest.fixture
def written() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own (not propagating: the suite's check would rightly catch what these tests log) whose one
    handler writes through the filter, as settings.LOGGING's handlers do."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(message)s|%(extra_email)s"))
    logger = logging.getLogger("ouvidoria.tests.logfilter")
    logger.propagate = False
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def _handlers() -> Iterator[tuple[str, logging.Handler]]:
    loggers = [("root", logging.getLogger())]
    loggers += [(name, lg) for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)]
    for name, logger in loggers:
        for handler in logger.handlers:
            # pytest's capture handlers and the suite's own check are the tests', not the product's.
            if type(handler).__module__.startswith("_pytest") or type(handler).__name__ == "_PersonalDataInLogs":
                continue
            if not isinstance(handler, logging.NullHandler):  # libraries' silence: writes nothing
                yield name, handler


def test_every_handler_of_the_product_filters_personal_data():
    seen = list(_handlers())
    assert {name for name, _ in seen} >= {"root", "django", "django.server"}
    unfiltered = [f"{name}: {h!r}" for name, h in seen if not any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert not unfiltered, "Handlers without ouvidoria.lib.logfilter.PersonalDataFilter (settings.LOGGING):\n" + (
        "\n".join(unfiltered)
    )


def test_values_under_a_personal_fields_name_are_redacted(written):
    logger, stream = written
    logger.info(
        "pedido %(protocol)s de %(document)s",
        {"protocol": "2026-0001234-5", "document": CPF},
        extra={"extra_email": EMAIL},
    )
    logger.info(
        "dados: %s",
        {"name": "Quitéria", "nested": {"phone": "(11) 98765-4321"}, "status": "new"},
        extra={"extra_email": ""},
    )
    first, second = stream.getvalue().splitlines()
    assert first == f"pedido 2026-0001234-5 de {MASK}|{MASK}"
    assert "Quitéria" not in second
    assert "98765" not in second
    assert "'status': 'new'" in second  # internal values stay


def test_a_model_instance_with_personal_fields_is_logged_by_its_label_and_id(written):
    logger, stream = written
    requester = Requester(pk=41, name="Quitéria Valadares", email=EMAIL)
    logger.info(
        "requester %r, case %s",
        requester,
        Manifestation(pk=7, protocol="2026-0001234-5"),
        extra={"extra_email": requester},
    )
    line = stream.getvalue().strip()
    assert line.startswith("requester <cases.Requester #41>, case <cases.Manifestation #7>")
    assert line.endswith("|<cases.Requester #41>")


def test_cpf_cnpj_and_e_mail_are_masked_anywhere_in_the_message_and_the_traceback(written):
    logger, stream = written
    try:
        raise ValueError(f"recusado: {EMAIL}")
    except ValueError:
        logger.exception("falhou para %s, CNPJ 11.222.333/0001-81, %s", CPF, "52998224725", extra={"extra_email": ""})
    text = stream.getvalue()
    assert CPF not in text
    assert "52998224725" not in text
    assert "11.222.333/0001-81" not in text
    assert EMAIL not in text
    assert "ValueError: recusado: [dado pessoal omitido]" in text
    # A protocol (12 digits) and a date are not a CPF.
    assert mask("2026-0001234-5 202600012345 02/12/2026") == "2026-0001234-5 202600012345 02/12/2026"


def test_the_filter_never_drops_a_record_nor_breaks_on_a_bad_one(written):
    logger, stream = written
    logger.info("sem argumentos %s %s", "um", extra={"extra_email": ""})  # one argument short
    assert "sem argumentos %s %s" in stream.getvalue()


def test_the_suites_check_reads_each_record_before_the_filter_changes_it():
    """conftest.py's check must see what the code logged, not what the filter left of it."""
    assert type(logging.getLogger().handlers[0]).__name__ == "_PersonalDataInLogs"
