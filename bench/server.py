"""The servers the benchmarks start: the launcher is :mod:`devtools.server`, shared with the
browser tests and the docs screenshots; the benchmarks add their minimal page."""

from __future__ import annotations

from pathlib import Path

from devtools.server import APP, ROOT, Server, cpu_seconds, free_port, memory_mb, start_server

__all__ = ["APP", "MINIMAL_APP", "ROOT", "Server", "cpu_seconds", "free_port", "memory_mb", "start_server"]

MINIMAL_APP = Path(__file__).resolve().with_name("minimal_app.py")
