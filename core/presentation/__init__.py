"""How evidence is shown to a reader: formatting, tables, figures, the card, the catalogs.

This package is the presentation side of ``core``; the evidence side (schema, records,
importer, db, queries, sql/) lives beside it. Modules here may import the evidence side's
schema and vocabularies, never streamlit, never ``pages`` and never ``bench``; the evidence
side never imports this package, except the CLI (``core/__main__.py``), which prints and
exports.
"""
