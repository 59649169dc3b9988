"""Catalogue search reads one table: each listing carries its event, its title's folded words and
its title's category, kept by database triggers; PostgreSQL indexes them.

Why: searching titles and then joining the event's listings made every broad search (browse
everything, a whole category, a word in one title out of eight) count and sort tens of thousands
of joined rows, 250-400 ms over 200,000 listings. With the copies on the listing:

- ``publishers_listing_order`` (event, search_text, id) WHERE copies > 0: the first page of a
  browse or of a broad search is read in index order and stops after 24 rows;
- ``publishers_listing_count`` (event, category) WHERE copies > 0: ``count`` of a browse or a
  category is an index-only scan;
- ``publishers_listing_category_order`` (event, category, search_text, id) WHERE copies > 0: the
  first page of a category in index order;
- ``publishers_listing_words`` GIN on the words and a token ``/x<exhibitor id>``: every search
  is one prefix query (``lich:* & (su:* | '/x14')`` when "su" is also in exhibitor 14's
  publisher name) answered exactly, without testing rows again. Not partial, because PostgreSQL
  estimates how many rows a word matches only from the statistics of a whole-table index.

Triggers rather than service code, because listings and titles are written in many ways (the
portal's services, COPY and UPDATE ... FROM VALUES in imports, bulk_create in the demo, the
admin): the database fills the copies on every insert and follows every change of a title's
words or category and of an exhibitor's event. SQLite gets the same triggers (AFTER triggers,
as SQLite's BEFORE triggers cannot change the row), so both databases answer alike.

Title.search_text is recomputed first: it is now the folded words only, without punctuation, so
PostgreSQL's text-search parser and SQLite's LIKE see the same words.
"""

import django.db.models.deletion
from django.db import migrations, models

PG_FORWARD = [
    'ALTER TABLE publishers_stocklisting ALTER COLUMN search_text TYPE text COLLATE "C"',
    """
    CREATE FUNCTION publishers_listing_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT e.event_id INTO NEW.event_id FROM publishers_exhibitor e WHERE e.id = NEW.exhibitor_id;
        SELECT t.search_text, t.category_id INTO NEW.search_text, NEW.category_id
            FROM publishers_title t WHERE t.id = NEW.title_id;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER publishers_listing_fill
    BEFORE INSERT OR UPDATE OF exhibitor_id, title_id, event_id, search_text, category_id
    ON publishers_stocklisting FOR EACH ROW EXECUTE FUNCTION publishers_listing_fill()
    """,
    """
    CREATE FUNCTION publishers_title_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE publishers_stocklisting SET search_text = NEW.search_text, category_id = NEW.category_id
            WHERE title_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER publishers_title_follow
    AFTER UPDATE OF search_text, category_id ON publishers_title FOR EACH ROW
    WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text
          OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION publishers_title_follow()
    """,
    """
    CREATE FUNCTION publishers_exhibitor_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE publishers_stocklisting SET event_id = NEW.event_id WHERE exhibitor_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER publishers_exhibitor_follow
    AFTER UPDATE OF event_id ON publishers_exhibitor FOR EACH ROW
    WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION publishers_exhibitor_follow()
    """,
]

PG_INDEXES = [
    "CREATE INDEX publishers_listing_order ON publishers_stocklisting (event_id, search_text, id) "
    "WHERE copies > 0",
    "CREATE INDEX publishers_listing_count ON publishers_stocklisting (event_id, category_id) "
    "WHERE copies > 0",
    "CREATE INDEX publishers_listing_category_order ON publishers_stocklisting "
    "(event_id, category_id, search_text, id) WHERE copies > 0",
    "CREATE INDEX publishers_listing_words ON publishers_stocklisting "
    "USING gin (to_tsvector('simple', search_text || ' /x' || exhibitor_id::text))",
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS publishers_exhibitor_follow ON publishers_exhibitor",
    "DROP FUNCTION IF EXISTS publishers_exhibitor_follow()",
    "DROP TRIGGER IF EXISTS publishers_title_follow ON publishers_title",
    "DROP FUNCTION IF EXISTS publishers_title_follow()",
    "DROP TRIGGER IF EXISTS publishers_listing_fill ON publishers_stocklisting",
    "DROP FUNCTION IF EXISTS publishers_listing_fill()",
    "DROP INDEX IF EXISTS publishers_listing_order",
    "DROP INDEX IF EXISTS publishers_listing_count",
    "DROP INDEX IF EXISTS publishers_listing_category_order",
    "DROP INDEX IF EXISTS publishers_listing_words",
]

# SQLite: an AFTER trigger rewrites the row (the nested UPDATE does not fire the same trigger
# again: recursive triggers are off, SQLite's default).
_SQLITE_FILL = """
    UPDATE publishers_stocklisting SET
        event_id = (SELECT e.event_id FROM publishers_exhibitor e WHERE e.id = NEW.exhibitor_id),
        search_text = (SELECT t.search_text FROM publishers_title t WHERE t.id = NEW.title_id),
        category_id = (SELECT t.category_id FROM publishers_title t WHERE t.id = NEW.title_id)
    WHERE id = NEW.id;
"""
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER publishers_listing_fill_insert AFTER INSERT ON publishers_stocklisting
    BEGIN {_SQLITE_FILL} END
    """,
    f"""
    CREATE TRIGGER publishers_listing_fill_update
    AFTER UPDATE OF exhibitor_id, title_id, event_id, search_text, category_id ON publishers_stocklisting
    BEGIN {_SQLITE_FILL} END
    """,
    """
    CREATE TRIGGER publishers_title_follow AFTER UPDATE OF search_text, category_id ON publishers_title
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.category_id IS NOT NEW.category_id
    BEGIN
        UPDATE publishers_stocklisting SET search_text = NEW.search_text, category_id = NEW.category_id
            WHERE title_id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER publishers_exhibitor_follow AFTER UPDATE OF event_id ON publishers_exhibitor
    WHEN OLD.event_id IS NOT NEW.event_id
    BEGIN
        UPDATE publishers_stocklisting SET event_id = NEW.event_id WHERE exhibitor_id = NEW.id;
    END
    """,
    "CREATE INDEX publishers_listing_order ON publishers_stocklisting (event_id, search_text, id) "
    "WHERE copies > 0",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS publishers_listing_fill_insert",
    "DROP TRIGGER IF EXISTS publishers_listing_fill_update",
    "DROP TRIGGER IF EXISTS publishers_title_follow",
    "DROP TRIGGER IF EXISTS publishers_exhibitor_follow",
    "DROP INDEX IF EXISTS publishers_listing_order",
]


def recompute_words(apps, schema_editor):
    """Title.search_text as the folded words only (the model's rule, copied here)."""
    import re

    from bookday.text import fold

    def folded_words(text):
        return re.findall(r"[^\W_]+", fold(text))

    Title = apps.get_model("publishers", "Title")
    batch = []
    for title in Title.objects.only("pk", "title", "authors", "imprint", "isbn", "sku").iterator(2000):
        parts = [title.title, title.authors, title.imprint, title.isbn, title.sku]
        title.search_text = " ".join(word for p in parts if p for word in folded_words(p))
        batch.append(title)
        if len(batch) == 2000:
            Title.objects.bulk_update(batch, ["search_text"])
            batch = []
    Title.objects.bulk_update(batch, ["search_text"])


def install(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in PG_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)
    # Existing rows: the triggers fill whatever is written from now on.
    schema_editor.execute(
        """
        UPDATE publishers_stocklisting SET
            event_id = (SELECT e.event_id FROM publishers_exhibitor e WHERE e.id = exhibitor_id),
            search_text = (SELECT t.search_text FROM publishers_title t WHERE t.id = title_id),
            category_id = (SELECT t.category_id FROM publishers_title t WHERE t.id = title_id)
        """
    )
    if postgres:
        for statement in PG_INDEXES:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in PG_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_checkins"),
        ("publishers", "0003_stockimport"),
    ]

    operations = [
        migrations.AddField(
            model_name="stocklisting",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="events.eventpage",
            ),
        ),
        migrations.AddField(
            model_name="stocklisting",
            name="category",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="publishers.category",
            ),
        ),
        migrations.AddField(
            model_name="stocklisting",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(recompute_words, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
