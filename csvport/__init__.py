"""CSV files in and out of Django models; it knows no app of the tracker.

Each app declares its file formats once (`formats.CsvFormat`), and everything here reads
that declaration:

- `formats`: a format and its columns: how a value is exported, parsed, documented;
- `columns`: columns of the common kinds (text, dates, choices), documented alike;
- `formulas`: the cells a spreadsheet would run as a formula, neutralized and restored;
- `writing`: cells, lines, streamed downloads (a `Download`: its name, columns and rows);
- `reading`: uploaded bytes to rows, with line numbers and plain answers;
- `problems`, `wording`: what is wrong with a file, said in the editor's words;
- `parsers`: a cell to a value; `plans`, `importer`, `bulk`: plan an import, then apply it;
- `admin_import`, `session_storage`: the admin's upload, preview and confirm.
"""
