"""Read back the HTML tables of core.presentation.tables.html_table, as a page test sees them.

A table becomes a DataFrame whose columns are the presenter's column keys (from each header's
``k-<key>`` class; the "Open ›" column is ``link``), or its headers where the page gave them (``data-headers="given"``), holding each cell's text
("" as None), with
``frame.attrs`` = ``{"table": name, "row_ids": [...], "links": [...], "labels": [...]}``.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "div" and "oee-table" in classes:
            self.tables.append(
                {
                    "name": attributes.get("data-table"),
                    "keys": [],
                    "labels": [],
                    "rows": [],
                    "ids": [],
                    "links": [],
                    "given": attributes.get("data-headers") == "given",
                }
            )
        elif not self.tables:
            return
        table = self.tables[-1]
        if tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr" and not self._in_head:
            self._row = []
            table["ids"].append(attributes.get("data-trial"))
        elif tag == "th":
            key = next((c[2:] for c in classes if c.startswith("k-")), "")
            table["keys"].append("link" if key == "open" else key)
            self._cell = []
        elif tag == "td":
            self._cell = []
        elif tag == "a" and self._row is not None:
            table["links"].append(attributes.get("href"))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if not self.tables:
            return
        table = self.tables[-1]
        if tag == "th" and self._cell is not None:
            table["labels"].append("".join(self._cell))
            self._cell = None
        elif tag == "td" and self._cell is not None and self._row is not None:
            text = "".join(self._cell)
            self._row.append(text if text else None)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table["rows"].append(self._row)
            self._row = None


def read_tables(body: str) -> list[pd.DataFrame]:
    """Every table of ``html_table`` in an HTML text, in document order."""
    parser = _Tables()
    parser.feed(body)
    frames = []
    for table in parser.tables:
        # a table whose headers the page gave (the derived tables) is read by its headers
        frame = pd.DataFrame(table["rows"], columns=table["labels"] if table["given"] else table["keys"])
        frame.attrs = {
            "table": table["name"],
            "row_ids": table["ids"],
            "links": table["links"],
            "labels": table["labels"],
        }
        frames.append(frame)
    return frames
