"""Issue 19: key rotation (`manage.py rotate_keys`), and chat transcripts and stored e-mails encrypted at rest."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from ouvidoria.cases.models import Requester
from ouvidoria.cases.search import named, person_in
from ouvidoria.cases.tests.factories import register, requester_data
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.migration_ops import encrypt_in_place
from ouvidoria.privacy.rotation import keys_rotate, values_under_old_keys

pytestmark = pytest.mark.django_db
NEW_KEY = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.fixture
def held():
    """A case, a chat line and an e-mail, all written under the installation's current key."""
    m = register(requester=requester_data(name="Vanessa Araújo Almeida", phone="(11) 98765-4321"))
    conversation = ChatConversation.objects.create(protocol="202600009999")
    line = ChatMessage.objects.create(conversation=conversation, author="user", text="minha senha do app é 1234")
    email = OutboundEmail.objects.create(key="t", recipient="maria@example.com", subject="s", body="Olá, Vanessa.")
    return m, line, email


def test_transcripts_and_stored_emails_are_encrypted_at_rest(held):
    _m, line, email = held
    assert "1234" not in raw("portal_chatmessage", "text", line.pk)
    assert "Vanessa" not in raw("notify_outboundemail", "body", email.pk)
    assert ChatMessage.objects.get(pk=line.pk).text == "minha senha do app é 1234"
    assert OutboundEmail.objects.get(pk=email.pk).body == "Olá, Vanessa."


def test_rotation_re_encrypts_everything_and_the_old_key_can_go(held):
    m, line, email = held
    old = list(settings.ENCRYPTION_KEYS)
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY, *old]):
        assert values_under_old_keys() > 0
        result = keys_rotate()
        assert result.rewritten == 7  # CPF, name, e-mail and phone; the chat line; the e-mail's recipient and body
        assert values_under_old_keys() == 0
        assert keys_rotate().rewritten == 0  # a second run changes nothing
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY]):  # the old key removed
        requester = Requester.objects.get(pk=m.requester_id)
        assert requester.name == "Vanessa Araújo Almeida"
        assert ChatMessage.objects.get(pk=line.pk).text == "minha senha do app é 1234"
        assert OutboundEmail.objects.get(pk=email.pk).recipient == "maria@example.com"
        # The blind index key was derived from the first key: the same pass rewrote the hashes, so people are found.
        assert Requester.objects.filter(document_hash=blind_index("52998224725")).exists()
        person = person_in("529.982.247-25")
        assert person is not None
        assert m.requester_id in set(named("Vanessa Almeida").values_list("requester_id", flat=True))


def test_an_interrupted_rotation_resumes_by_running_again(held):
    old = list(settings.ENCRYPTION_KEYS)
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY, *old]):
        calls = []

        def stop_after_first_batch(line: str) -> None:
            calls.append(line)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            keys_rotate(batch_size=1, progress=stop_after_first_batch)
        assert values_under_old_keys() > 0
        out = StringIO()
        call_command("rotate_keys", "--batch-size", "1", stdout=out)
        assert "podem ser retiradas" in out.getvalue()
        assert values_under_old_keys() == 0


def test_with_an_explicit_index_key_a_rotation_leaves_the_indexes_alone(held):
    old = list(settings.ENCRYPTION_KEYS)
    with override_settings(BLIND_INDEX_KEY="chave-fixa-dos-indices"):
        keys_rotate()  # the indexes under the explicit key
        with override_settings(ENCRYPTION_KEYS=[NEW_KEY, *old]):
            assert keys_rotate().hashes_rewritten == 0


def test_the_migration_step_encrypts_rows_written_in_clear(held):
    _m, line, _email = held
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_chatmessage SET text = %s WHERE id = %s", ["texto antigo em claro", line.pk])
    encrypt_in_place("portal_chatmessage", "text")(None, connection.schema_editor())
    assert raw("portal_chatmessage", "text", line.pk) != "texto antigo em claro"
    assert ChatMessage.objects.get(pk=line.pk).text == "texto antigo em claro"


def test_a_bad_batch_size_is_refused_naming_the_option():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch-size"):
        call_command("rotate_keys", "--batch-size", "0")
