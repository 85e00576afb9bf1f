"""The database refuses a trade value whose line belongs to another importer.

The rule spans two tables, so no CHECK constraint can state it; a trigger can, as for a
position's party (negotiations 0005), and then no path (a shell, a bulk import, a future
bug) writes such a row. Raised as a constraint violation, which Django reports as
IntegrityError on both databases.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE FUNCTION tariffs_tradevalue_check_importer() RETURNS trigger AS $$
BEGIN
    IF NEW.line_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM tariffs_tariffline l
        WHERE l.id = NEW.line_id AND l.importer_id = NEW.importer_id
    ) THEN
        RAISE EXCEPTION 'a trade value''s line must be a line of its importer'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tariffs_tradevalue_importer
BEFORE INSERT OR UPDATE OF line_id, importer_id ON tariffs_tradevalue
FOR EACH ROW EXECUTE FUNCTION tariffs_tradevalue_check_importer();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS tariffs_tradevalue_importer ON tariffs_tradevalue;
DROP FUNCTION IF EXISTS tariffs_tradevalue_check_importer();
"""

SQLITE_CONDITION = """
NEW.line_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM tariffs_tariffline l
    WHERE l.id = NEW.line_id AND l.importer_id = NEW.importer_id
)
"""
SQLITE_UP = [
    f"""
    CREATE TRIGGER tariffs_tradevalue_importer_{event.lower()}
    BEFORE {event} ON tariffs_tradevalue
    WHEN {SQLITE_CONDITION}
    BEGIN
        SELECT RAISE(ABORT, 'a trade value''s line must be a line of its importer');
    END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS tariffs_tradevalue_importer_{event}" for event in ("insert", "update")
]


def statements(vendor: str, up: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_UP if up else POSTGRES_DOWN]
    if vendor == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    return []  # other databases rely on the model's clean() and the importer


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, up=True):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, up=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0004_trade_value_all_goods_and_provenance")]

    operations = [migrations.RunPython(create, drop)]
