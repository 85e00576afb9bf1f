"""The SQL that attaches the reference data version (models.ReferenceDataVersion) to a
table: each app's migrations call it for the tables it owns. On PostgreSQL one
statement-level trigger per table (a bulk import bumps the version once per statement),
calling the function of migration 0002; on SQLite (`make run`) row-level triggers."""

TABLE = "changes_referencedataversion"

SQLITE_BUMP = f"""
    INSERT INTO {TABLE} (id, version, changed_at) VALUES (
        1,
        CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER),
        strftime('%Y-%m-%d %H:%M:%f', 'now')
    )
    ON CONFLICT (id) DO UPDATE
    SET version = max({TABLE}.version + 1, excluded.version), changed_at = excluded.changed_at;
"""


def attach(vendor: str, table: str, events: tuple[str, ...]) -> list[str]:
    """Statements creating the triggers that bump the version after `events` (INSERT,
    UPDATE, DELETE; TRUNCATE on PostgreSQL comes with any of them) on `table`."""
    name = f"{table}_reference_version"
    if vendor == "postgresql":
        return [
            f"CREATE TRIGGER {name} AFTER {' OR '.join((*events, 'TRUNCATE'))} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION changes_bump_reference_version();"
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {SQLITE_BUMP} END;"
            for event in events
        ]
    return []


def detach(vendor: str, table: str, events: tuple[str, ...]) -> list[str]:
    name = f"{table}_reference_version"
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table};"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}_{event.lower()};" for event in events]
    return []
