"""The database refuses a position whose party is not one of the negotiation's two, or
whose issue belongs to another negotiation.

These rules span rows, so no CHECK constraint can state them; a trigger can, and then no
path (a shell, a bulk import, a future bug) writes such a row. Raised as a constraint
violation, which Django reports as IntegrityError on both databases.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE FUNCTION negotiations_statedposition_check_parties() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM negotiations_talkround r
        JOIN negotiations_negotiation n ON n.id = r.negotiation_id
        JOIN negotiations_issue i ON i.id = NEW.issue_id AND i.negotiation_id = n.id
        WHERE r.id = NEW.round_id AND NEW.party_id IN (n.party_a_id, n.party_b_id)
    ) THEN
        RAISE EXCEPTION 'a position''s party must be one of its negotiation''s two parties, '
            'and its issue one of that negotiation''s issues'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER negotiations_statedposition_parties
BEFORE INSERT OR UPDATE OF round_id, party_id, issue_id ON negotiations_statedposition
FOR EACH ROW EXECUTE FUNCTION negotiations_statedposition_check_parties();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS negotiations_statedposition_parties ON negotiations_statedposition;
DROP FUNCTION IF EXISTS negotiations_statedposition_check_parties();
"""

SQLITE_CONDITION = """
NOT EXISTS (
    SELECT 1
    FROM negotiations_talkround r
    JOIN negotiations_negotiation n ON n.id = r.negotiation_id
    JOIN negotiations_issue i ON i.id = NEW.issue_id AND i.negotiation_id = n.id
    WHERE r.id = NEW.round_id AND NEW.party_id IN (n.party_a_id, n.party_b_id)
)
"""
SQLITE_UP = [
    f"""
    CREATE TRIGGER negotiations_statedposition_parties_{event.lower()}
    BEFORE {event} ON negotiations_statedposition
    WHEN {SQLITE_CONDITION}
    BEGIN
        SELECT RAISE(ABORT, 'a position''s party must be one of its negotiation''s two
        parties, and its issue one of that negotiation''s issues');
    END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS negotiations_statedposition_parties_{event}"
    for event in ("insert", "update")
]


def statements(vendor: str, up: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_UP if up else POSTGRES_DOWN]
    if vendor == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    return []  # other databases rely on the model's clean() and the importers


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, up=True):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, up=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0004_short_stance_labels")]

    operations = [migrations.RunPython(create, drop)]
