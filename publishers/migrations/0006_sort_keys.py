"""Vietnamese order and ranked matches in the catalogue: each title carries its sort key
(bookday.text.vi_sort_key) and the folded words of its title and of its authors; the listing
triggers of publishers/0004 copy them to the listings along with the search words.

Why a stored key rather than an ICU collation ("vi-x-icu" with numeric ordering): SQLite has no
ICU, so the two databases would sort differently, and Python (the exhibitors page, the portal's
short lists) would need a third rule. One function, stored and indexed, gives one order
everywhere; the key is plain text compared byte by byte (COLLATE "C" on PostgreSQL), so the
index publishers_listing_order still answers the first page of a browse in index order.

The words index gains a token ``/c<category id>`` beside ``/x<exhibitor id>``, so a word of a
category's name ("van" of "Văn học") is one more alternative in the same index query.
"""

from django.db import migrations, models

_PG_COPY = "t.search_text, t.category_id, t.sort_key, t.title_words, t.author_words"
_LISTING_COPIES = "search_text, category_id, sort_key, title_words, author_words"

PG_FORWARD = [
    'ALTER TABLE publishers_stocklisting ALTER COLUMN sort_key TYPE text COLLATE "C"',
    'ALTER TABLE publishers_title ALTER COLUMN sort_key TYPE text COLLATE "C"',
    f"""
    CREATE OR REPLACE FUNCTION publishers_listing_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT e.event_id INTO NEW.event_id FROM publishers_exhibitor e WHERE e.id = NEW.exhibitor_id;
        SELECT {_PG_COPY}
            INTO NEW.search_text, NEW.category_id, NEW.sort_key, NEW.title_words, NEW.author_words
            FROM publishers_title t WHERE t.id = NEW.title_id;
        RETURN NEW;
    END $$
    """,
    "DROP TRIGGER publishers_listing_fill ON publishers_stocklisting",
    f"""
    CREATE TRIGGER publishers_listing_fill
    BEFORE INSERT OR UPDATE OF exhibitor_id, title_id, event_id, {_LISTING_COPIES}
    ON publishers_stocklisting FOR EACH ROW EXECUTE FUNCTION publishers_listing_fill()
    """,
    """
    CREATE OR REPLACE FUNCTION publishers_title_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE publishers_stocklisting SET search_text = NEW.search_text, category_id = NEW.category_id,
            sort_key = NEW.sort_key, title_words = NEW.title_words, author_words = NEW.author_words
            WHERE title_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER publishers_title_follow ON publishers_title",
    f"""
    CREATE TRIGGER publishers_title_follow
    AFTER UPDATE OF {_LISTING_COPIES} ON publishers_title FOR EACH ROW
    WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.sort_key IS DISTINCT FROM NEW.sort_key)
    EXECUTE FUNCTION publishers_title_follow()
    """,
    "DROP INDEX IF EXISTS publishers_listing_order",
    "DROP INDEX IF EXISTS publishers_listing_category_order",
    "DROP INDEX IF EXISTS publishers_listing_words",
]

PG_INDEXES = [
    "CREATE INDEX publishers_listing_order ON publishers_stocklisting (event_id, sort_key, id) "
    "WHERE copies > 0",
    "CREATE INDEX publishers_listing_category_order ON publishers_stocklisting "
    "(event_id, category_id, sort_key, id) WHERE copies > 0",
    "CREATE INDEX publishers_listing_words ON publishers_stocklisting USING gin (to_tsvector('simple', "
    "search_text || ' /x' || exhibitor_id::text || ' /c' || coalesce(category_id, 0)::text))",
    "CREATE INDEX publishers_title_order ON publishers_title (publisher_id, sort_key, id)",
]

_SQLITE_FILL = """
    UPDATE publishers_stocklisting SET
        event_id = (SELECT e.event_id FROM publishers_exhibitor e WHERE e.id = NEW.exhibitor_id),
        search_text = (SELECT t.search_text FROM publishers_title t WHERE t.id = NEW.title_id),
        category_id = (SELECT t.category_id FROM publishers_title t WHERE t.id = NEW.title_id),
        sort_key = (SELECT t.sort_key FROM publishers_title t WHERE t.id = NEW.title_id),
        title_words = (SELECT t.title_words FROM publishers_title t WHERE t.id = NEW.title_id),
        author_words = (SELECT t.author_words FROM publishers_title t WHERE t.id = NEW.title_id)
    WHERE id = NEW.id;
"""
# SQLite adds a column by copying the table, which its triggers would break: they go first.
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS publishers_listing_fill_insert",
    "DROP TRIGGER IF EXISTS publishers_listing_fill_update",
    "DROP TRIGGER IF EXISTS publishers_title_follow",
    "DROP TRIGGER IF EXISTS publishers_exhibitor_follow",
    "DROP INDEX IF EXISTS publishers_listing_order",
]
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER publishers_listing_fill_insert AFTER INSERT ON publishers_stocklisting
    BEGIN {_SQLITE_FILL} END
    """,
    f"""
    CREATE TRIGGER publishers_listing_fill_update
    AFTER UPDATE OF exhibitor_id, title_id, event_id, {_LISTING_COPIES} ON publishers_stocklisting
    BEGIN {_SQLITE_FILL} END
    """,
    f"""
    CREATE TRIGGER publishers_title_follow AFTER UPDATE OF {_LISTING_COPIES} ON publishers_title
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.category_id IS NOT NEW.category_id
        OR OLD.sort_key IS NOT NEW.sort_key
    BEGIN
        UPDATE publishers_stocklisting SET search_text = NEW.search_text, category_id = NEW.category_id,
            sort_key = NEW.sort_key, title_words = NEW.title_words, author_words = NEW.author_words
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
    "CREATE INDEX publishers_listing_order ON publishers_stocklisting (event_id, sort_key, id) "
    "WHERE copies > 0",
    "CREATE INDEX publishers_title_order ON publishers_title (publisher_id, sort_key, id)",
]


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def fill_titles(apps, schema_editor):
    """The new fields of every title (the model's rule, through the model's own method)."""
    from publishers.models import Title as CurrentTitle

    Title = apps.get_model("publishers", "Title")
    fields = ["sort_key", "title_words", "author_words"]
    batch = []
    for title in Title.objects.only("pk", "title", "authors").iterator(2000):
        probe = CurrentTitle(title=title.title, authors=title.authors)
        probe.fill_search_fields()
        for name in fields:
            setattr(title, name, getattr(probe, name))
        batch.append(title)
        if len(batch) == 2000:
            Title.objects.bulk_update(batch, fields)
            batch = []
    Title.objects.bulk_update(batch, fields)


def install(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in PG_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)
    schema_editor.execute(
        """
        UPDATE publishers_stocklisting SET
            sort_key = (SELECT t.sort_key FROM publishers_title t WHERE t.id = title_id),
            title_words = (SELECT t.title_words FROM publishers_title t WHERE t.id = title_id),
            author_words = (SELECT t.author_words FROM publishers_title t WHERE t.id = title_id)
        """
    )
    if postgres:
        for statement in PG_INDEXES:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("publishers", "0005_application_confirmation"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, elidable=False),
        *(
            migrations.AddField(
                model_name=model, name=name, field=models.TextField(default="", editable=False)
            )
            for model in ("title", "stocklisting")
            for name in ("sort_key", "title_words", "author_words")
        ),
        migrations.RunPython(fill_titles, migrations.RunPython.noop, elidable=False),
        # Not reversible: going back would need 0004's triggers and indexes restored.
        migrations.RunPython(install, elidable=False),
    ]
