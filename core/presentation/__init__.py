"""How evidence is shown to a reader: formatting, tables, figures, the card, the catalogs.

This package is the presentation side of ``core``; the evidence side (schema, records,
importer, db, queries, sql/) lives beside it. Modules here may import the evidence side's
schema and vocabularies, never streamlit, never ``pages`` and never ``bench``; the evidence
side never imports this package, except the CLI (``core/__main__.py``), which prints and
exports.

Rooms of this package, from the bottom up:

- ``i18n``: catalogs and data-text conversion (imports ``core.text`` only).
- ``caveats``: caveat codes and their words; ``formatting``: how one value is written.
- ``tables``, ``survival``: presenters — query frames in, tidy frames with stable column keys
  and caveat codes out; ``tables.display`` is where keys and codes become words.
- ``figure_data``: the prepare step of every figure (copy → validate → prepare);
  ``plots``: the draw step, which imports neither ``i18n`` nor ``formatting``.
- ``card``: the printable evidence card, built from the presenters; ``export``: safe CSV.
"""
