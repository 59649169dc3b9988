"""A trigram index for catalogue search, on PostgreSQL only.

Catalogue search filters ``Title.search_text LIKE '%word%'`` (folded, lower-case ASCII), which a
B-tree cannot serve; pg_trgm's GIN index can, so a search over 200,000 listings reads only the
matching rows. SQLite has no such index and scans: fine at its scale. pg_trgm is a trusted
extension (PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

INDEX = "publishers_title_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON publishers_title USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("publishers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
