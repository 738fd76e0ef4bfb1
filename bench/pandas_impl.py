"""The benchmarked queries of :mod:`core.queries`, implemented again in pandas only.

The baseline that DuckDB is measured against: the tables the queries read are copied out
of the compiled database into DataFrames once (:meth:`PandasEvidence.load`), then every
query does in pandas what its SQL does — the same filters, search-index lookups, ordering
and limits — so the two return the same trials and rows (checked by
:func:`bench.query_bench.run_queries` before anything is timed).

Both sides read the same tables, including the ones the compile step precomputes for the
pages (headline, forest and survival rows, the search index): pandas gets every advantage
the SQL has, and nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

import pandas as pd

from core import queries, schema
from core.text import search_key

SURVIVAL_MEASURES = schema.SURVIVAL_MEASURES


def _lower(series: pd.Series) -> pd.Series:
    return series.str.lower()


@dataclass
class PandasEvidence:
    """The tables the benchmarked queries read, as DataFrames."""

    trial_rows: pd.DataFrame
    headline_value_rows: pd.DataFrame
    forest_value_rows: pd.DataFrame
    survival_value_rows: pd.DataFrame
    search_words: pd.DataFrame
    search_runs: pd.DataFrame
    search_run_texts: pd.DataFrame
    vocab: pd.DataFrame

    @classmethod
    def load(cls, con) -> PandasEvidence:
        """Copy the tables out of an open compiled database (once, before timing)."""

        def table(name: str) -> pd.DataFrame:
            cursor = con.cursor()
            try:
                return cursor.execute(f"SELECT * FROM {name}").df()  # noqa: S608 - names are this class's fields
            finally:
                cursor.close()

        return cls(**{column.name: table(column.name) for column in fields(cls)})

    # --- the trials table ---------------------------------------------------------------------

    def _mask(self, filters: queries.TrialFilter, skip: str | None = None) -> pd.Series:
        """:meth:`core.queries.TrialFilter.where` as a boolean mask over ``trial_rows``."""
        rows = self.trial_rows
        mask = pd.Series(True, index=rows.index)
        for key, selected in filters.selected.items():
            if key == skip or not selected:
                continue
            facet = queries.FACETS[key]
            column = rows[facet.column]
            if facet.is_list:
                exploded = column.explode()
                mask &= (
                    exploded.isin(list(selected)).groupby(level=0).any().reindex(rows.index, fill_value=False)
                )
            else:
                mask &= column.isin(list(selected))
        for term in search_key(filters.q).split():
            mask &= self._search(term)
        return mask

    def _search(self, term: str) -> pd.Series:
        """:func:`core.queries._search_clause`: the index where it applies, else the text."""
        rows = self.trial_rows
        if queries._WORD.fullmatch(term):
            words = self.search_words["word"]
            hits = self.search_words.loc[(words >= term) & (words < term + "{"), "trial"]
            return rows["id"].isin(hits)
        if queries._CJK_RUN.fullmatch(term):
            runs = self.search_run_texts["run"]
            if term.startswith("非"):
                found = runs[runs.str.contains(term, regex=False)]
            else:
                found = runs[runs.str.contains(f"(?:^|[^非]){re.escape(term)}", regex=True)]
            hits = self.search_runs.loc[self.search_runs["run"].isin(found), "trial"]
            return rows["id"].isin(hits)
        text = rows["search_text"]
        if term.startswith("非"):
            return text.str.contains(term, regex=False)
        if queries._CJK.search(term):
            return text.str.contains(f"(?:^|[^非]){re.escape(term)}", regex=True)
        return text.str.contains(f"(?:^|[^a-z0-9]){re.escape(term)}", regex=True)

    def trials_page(
        self, filters: queries.TrialFilter, sort: str = "name", limit: int | None = 50, offset: int = 0
    ) -> tuple[pd.DataFrame, int]:
        """:func:`core.queries.trials_page` (ascending sorts)."""
        matched = self.trial_rows[self._mask(filters)]
        column = {"name": "name", "patients": "n_patients", "values": "n_values"}[sort]
        key = matched[column].str.lower() if column == "name" else matched[column]
        ordered = matched.assign(_key=key, _name=_lower(matched["name"])).sort_values(
            ["_key", "_name"], na_position="last", kind="stable"
        )
        if limit is not None:
            ordered = ordered.iloc[offset : offset + limit]
        return ordered.drop(columns=["_key", "_name", "search_text"]), int(len(matched))

    def facet_counts(self, filters: queries.TrialFilter, key: str) -> pd.DataFrame:
        """:func:`core.queries.facet_counts`: options of one facet, counted under the other filters."""
        facet = queries.FACETS[key]
        options = self.trial_rows.loc[self._mask(filters, skip=key), facet.column]
        if facet.is_list:
            options = options.explode()
        options = options[options.notna() & (options != "")]
        counts = options.value_counts().rename_axis("value").reset_index(name="trials")
        vocab = self.vocab[self.vocab["vocabulary"] == (facet.vocabulary or "")]
        out = counts.merge(vocab[["key", "position"]], left_on="value", right_on="key", how="left")
        out["position"] = out["position"].fillna(999).astype("int64")
        out["_lower"] = out["value"].astype(str).str.lower()
        out = out.sort_values(["position", "_lower"], kind="stable")
        return out[["value", "trials", "position"]].reset_index(drop=True)

    def headlines(self, trial_ids: Sequence[str]) -> pd.DataFrame:
        """:func:`core.queries.headlines`: each trial's headline value with its sibling rows."""
        rows = self.headline_value_rows
        return rows[rows["trial"].isin(list(trial_ids))].sort_values(["trial", "position"], kind="stable")

    # --- cross-trial views ----------------------------------------------------------------------

    def forest_rows(self, latest_only: bool = True, limit: int | None = None) -> pd.DataFrame:
        """:func:`core.queries.forest_rows` without filters: hazard ratios with their sample sizes."""
        rows = self.forest_value_rows
        if latest_only:
            rows = rows[rows["is_latest"]]
        rows = rows.assign(_name=_lower(rows["trial_name"]), total_rows=len(rows))
        rows = rows.sort_values(
            ["cancer_position", "endpoint_position", "_name", "analysis_sequence", "position"], kind="stable"
        )
        if limit is not None:
            rows = rows.head(limit)
        return rows.drop(columns="_name")

    def survival_rows(
        self, endpoint: str, latest_only: bool = True, max_trials: int | None = None
    ) -> pd.DataFrame:
        """:func:`core.queries.survival_rows` without filters: the first ``max_trials`` trials' rows."""
        v = self.survival_value_rows
        mask = (v["endpoint"] == endpoint) & v["measure"].isin(SURVIVAL_MEASURES)
        if latest_only:
            mask &= v["is_latest"]
        rows = v[mask]
        trials = rows[["cancer_position", "name_key", "trial"]].drop_duplicates()
        trials = trials.sort_values(["cancer_position", "name_key", "trial"], kind="stable")
        picked = trials["trial"] if max_trials is None else trials["trial"].head(max_trials)
        rows = rows[rows["trial"].isin(picked)]
        rows = rows.assign(
            total_trials=len(trials), _name=_lower(rows["trial_name"]), _control=rows["arm_role"] == "control"
        )
        rows = rows.sort_values(
            ["cancer_position", "_name", "_control", "analysis_sequence", "position"], kind="stable"
        )
        return rows.drop(columns=["_name", "_control", "name_key"])
