"""Developer tooling shared by the tests, the benchmarks and the docs scripts.

A neutral room: ``tests/``, ``bench/`` and ``docs/`` may import from here, and this package
imports none of them (nor ``pages``); tests/test_architecture.py checks both directions.
"""
