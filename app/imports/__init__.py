"""The import machine: a CSV or XLSX file checked row by row, previewed, then applied.

- `table`: the one table reader (`read_table` -> `Table`, or `ImportFileError`);
- `cells`, `columns`: reading cells, matching headers to `Column`s, `RowError`, `ImportResult`;
- `importer`: the `Importer` interface (validate, plan, write; preview and apply shared) and
  `ImportPlan`; `ImportBlocked` when a file with problems would be applied whole;
- `views.mount`: the upload, preview and confirm pages of an importer on an area's blueprint;
  `cli.import_command`: its `import FILE --school URN [--dry-run] [--valid-only]` command;
- `uploads`: files kept between the preview and the confirmation, with their table;
- `reader`: `read_isolated`, a file read in a child process with memory and CPU limits.

The roster importer lives here (`roster`: columns and rules; `services`: `ROSTER`; `routes`,
`cli`: its pages and `flask students import`); areas mount their own (results day's grades).
"""
