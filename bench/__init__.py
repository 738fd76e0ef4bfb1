"""Performance benchmarks of the evidence explorer (``make bench`` → docs/benchmarks.md).

- :mod:`bench.corpus` writes deterministic synthetic corpora in the format of ``data/``;
- :mod:`bench.query_bench` times the pages' queries in DuckDB and, side by side, in pandas
  (:mod:`bench.pandas_impl`), after checking both return the same rows;
- :mod:`bench.browser` times first view and facet interaction in headless Chromium against
  a minimal Streamlit page (:mod:`bench.minimal_app`), and :mod:`bench.load` drives 20
  concurrent sessions;
- :mod:`bench.report` writes the markdown report; ``python -m bench`` runs it all.
"""
