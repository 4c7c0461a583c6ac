"""Full-text search in Portuguese, accent-insensitive, over descriptions and the messages of the timeline.

PostgreSQL only: the ``unaccent`` extension (trusted since PostgreSQL 13, so the database owner may create it), a
text search configuration ``pt_unaccent`` (Portuguese with unaccent before the stemmer) and GIN indexes on the
exact expressions ``ouvidoria.cases.search`` queries. SQLite matches folded words instead (see search.py).
"""

from django.db import migrations

SEARCHED_EVENTS = "'message_in', 'message_out', 'area_reply', 'answer'"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION pt_unaccent (COPY = portuguese)",
    "ALTER TEXT SEARCH CONFIGURATION pt_unaccent ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, portuguese_stem",
    "CREATE INDEX case_description_fts ON cases_manifestation "
    "USING gin (to_tsvector('pt_unaccent'::regconfig, description))",
    "CREATE INDEX event_message_fts ON cases_event USING gin (to_tsvector('pt_unaccent'::regconfig, body)) "
    f"WHERE kind IN ({SEARCHED_EVENTS})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS event_message_fts",
    "DROP INDEX IF EXISTS case_description_fts",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS pt_unaccent",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_agreements")]
    operations = [migrations.RunPython(forward, backward)]
