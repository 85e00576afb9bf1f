"""The position rules hold whatever is edited: the parents of a position too.

Migration 0005 checks a position when it is written. A position also breaks its rules when
one of its parents changes under it: a negotiation's parties (its positions' party is no
longer one of the two), an issue's negotiation or a round's (the position's issue and round
then belong to different negotiations), an official's country (the speaker no longer speaks
for the position's party). Triggers refuse those updates, and a position whose speaker is
of another country than its party (a rule only `clean()` and the importers kept before).

Each trigger names its rule (`negotiations_<table>_<rule>`) at the start of its message:
`negotiations.integrity` turns that name into words for the admin and the importers,
with the positions concerned. The data-version triggers of migration 0010 fire after
these (AFTER, statement level); a refused update bumps no version, since its statement
fails before them.
"""

from django.db import migrations

# rule name -> (table, columns whose update is checked, condition on the row NEW that is
# true when the update would break a position). The same SQL serves both databases.
PARENT_RULES = {
    "negotiations_negotiation_parties_of_positions": (
        "negotiations_negotiation",
        ["party_a_id", "party_b_id"],
        """EXISTS (
            SELECT 1 FROM negotiations_statedposition p
            JOIN negotiations_talkround r ON r.id = p.round_id
            WHERE r.negotiation_id = NEW.id AND p.party_id NOT IN (NEW.party_a_id, NEW.party_b_id)
        )""",
    ),
    "negotiations_issue_negotiation_of_positions": (
        "negotiations_issue",
        ["negotiation_id"],
        """EXISTS (
            SELECT 1 FROM negotiations_statedposition p
            JOIN negotiations_talkround r ON r.id = p.round_id
            WHERE p.issue_id = NEW.id AND r.negotiation_id <> NEW.negotiation_id
        )""",
    ),
    "negotiations_talkround_negotiation_of_positions": (
        "negotiations_talkround",
        ["negotiation_id"],
        """EXISTS (
            SELECT 1 FROM negotiations_statedposition p
            JOIN negotiations_issue i ON i.id = p.issue_id
            JOIN negotiations_negotiation n ON n.id = NEW.negotiation_id
            WHERE p.round_id = NEW.id
            AND (i.negotiation_id <> n.id OR p.party_id NOT IN (n.party_a_id, n.party_b_id))
        )""",
    ),
    "negotiations_official_country_of_positions": (
        "negotiations_official",
        ["country_id"],
        """EXISTS (
            SELECT 1 FROM negotiations_statedposition p
            WHERE p.speaker_id = NEW.id AND p.party_id <> NEW.country_id
        )""",
    ),
}

SPEAKER_RULE = "negotiations_statedposition_speaker_of_party"
SPEAKER_CONDITION = """NEW.speaker_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM negotiations_official o
    WHERE o.id = NEW.speaker_id AND o.country_id = NEW.party_id
)"""

MESSAGES = {
    "negotiations_negotiation_parties_of_positions": "positions are stated by a party the "
    "negotiation would no longer have",
    "negotiations_issue_negotiation_of_positions": "positions on this issue were stated in "
    "rounds of another negotiation",
    "negotiations_talkround_negotiation_of_positions": "positions of this round are on issues "
    "or by parties of another negotiation",
    "negotiations_official_country_of_positions": "positions spoken by this official are "
    "stated for another country",
    SPEAKER_RULE: "a position's speaker must speak for its party",
}


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def postgres_up() -> list[str]:
    # The speaker's rule has no WHEN: it checks every position written.
    rules = {
        **PARENT_RULES,
        SPEAKER_RULE: ("negotiations_statedposition", ["speaker_id", "party_id"], None),
    }
    statements = []
    for name, (table, columns, when) in rules.items():
        message = _sql_text(f"{name}: {MESSAGES[name]}")
        condition = SPEAKER_CONDITION if when is None else when
        events = "INSERT OR UPDATE" if when is None else "UPDATE"
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        statements.append(
            f"""
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation', CONSTRAINT = '{name}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} BEFORE {events} OF {", ".join(columns)} ON {table}
FOR EACH ROW {"" if when is None else f"WHEN ({changed})"}
EXECUTE FUNCTION {name}();
"""
        )
    return statements


def postgres_down() -> list[str]:
    tables = {name: table for name, (table, _, _) in PARENT_RULES.items()}
    tables[SPEAKER_RULE] = "negotiations_statedposition"
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
        for name, table in tables.items()
    ]


def sqlite_up() -> list[str]:
    statements = []
    for name, (table, columns, when) in PARENT_RULES.items():
        message = _sql_text(f"{name}: {MESSAGES[name]}")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
    message = _sql_text(f"{SPEAKER_RULE}: {MESSAGES[SPEAKER_RULE]}")
    for event in ("INSERT", "UPDATE OF speaker_id, party_id"):
        statements.append(
            f"CREATE TRIGGER {SPEAKER_RULE}_{event.split()[0].lower()} BEFORE {event} "
            f"ON negotiations_statedposition WHEN {SPEAKER_CONDITION} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
    return statements


def sqlite_down() -> list[str]:
    names = [*PARENT_RULES, f"{SPEAKER_RULE}_insert", f"{SPEAKER_RULE}_update"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": postgres_up, "sqlite": sqlite_up}.get(vendor, list)():
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": postgres_down, "sqlite": sqlite_down}.get(vendor, list)():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0012_reference_data_version_triggers")]

    operations = [migrations.RunPython(create, drop)]
