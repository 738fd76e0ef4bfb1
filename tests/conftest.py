"""Shared fixtures: the real evidence, loaded once, and its in-memory database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core import db
from core.records import DEFAULT_DATA_DIR, load_evidence, sources_dir_from_env

ROOT = Path(__file__).resolve().parent.parent


def source_folder() -> Path:
    """The source texts; missing is a skip locally and a failure under CI."""
    folder = sources_dir_from_env()
    if not folder.is_dir():
        message = f"source texts not found at {folder} (set EVIDENCE_SOURCES)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    return source_folder()


@pytest.fixture(scope="session")
def evidence():
    return load_evidence(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def con(evidence):
    connection = db.connect_memory(evidence)
    yield connection
    connection.close()
