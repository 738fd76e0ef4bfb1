"""Process-wide state: the upload store's bound and lifetimes, memoised values, the database
identity. None of it may depend on Streamlit's caches (clear_cache empties those)."""

from __future__ import annotations

import gc
import threading

import pytest

from core import schema, store


def evidence(trial_id: str) -> schema.Evidence:
    found = schema.Evidence()
    found.trials.append(trial_id)  # the store never looks inside
    return found


def test_database_identity_is_a_small_hashable_value():
    first = store.Database("/build/evidence-1.duckdb", "abc")
    assert first == store.Database("/build/evidence-1.duckdb", "abc")
    assert len({first, store.Database("/build/evidence-1.duckdb"), first}) == 2
    with pytest.raises(AttributeError):
        first.upload = "other"  # frozen


def test_an_upload_lives_while_its_session_does_whatever_others_import():
    uploads = store.UploadStore(budget=1000)
    mine = store.Owner()
    uploads.put("mine", evidence("m"), 100, mine)
    others = []
    for index in range(200):  # many readers, each within the budget with the first
        owner = store.Owner()
        others.append(owner)
        uploads.put(f"other-{index}", evidence("o"), 100, owner)
        del others[:-3]  # earlier readers' sessions end
        gc.collect()
    assert "mine" in uploads
    assert uploads.total() <= 1000


def test_ended_sessions_go_first_then_the_least_recently_used():
    uploads = store.UploadStore(budget=300)
    a, b, c = store.Owner(), store.Owner(), store.Owner()
    uploads.put("a", evidence("a"), 100, a)
    uploads.put("b", evidence("b"), 100, b)
    uploads.put("c", evidence("c"), 100, c)
    del b
    gc.collect()
    dropped = uploads.put("d", evidence("d"), 100, store.Owner())
    assert dropped == ["b"] and "a" in uploads and "c" in uploads
    uploads.touch("a")  # a's reader is still active
    dropped = uploads.put("e", evidence("e"), 150, store.Owner())
    assert "a" in uploads and "e" in uploads and "c" in dropped
    assert uploads.total() <= 300


def test_the_upload_being_added_is_never_the_one_dropped():
    uploads = store.UploadStore(budget=100)
    owner = store.Owner()
    assert uploads.put("big", evidence("x"), 500, owner) == []
    assert "big" in uploads


def test_a_dropped_upload_is_reported_expired_not_served_as_curated():
    uploads = store.UploadStore(budget=100)
    uploads.put("a", evidence("a"), 80, store.Owner())
    uploads.put("b", evidence("b"), 80, keep := store.Owner())
    assert "a" not in uploads and keep
    with pytest.raises(store.UploadExpired):
        uploads.connection("a", "/nowhere.duckdb")
    with pytest.raises(store.UploadExpired):
        uploads.evidence("a")


def test_equal_uploads_are_shared_and_released_by_their_last_owner():
    uploads = store.UploadStore()
    first, second = store.Owner(), store.Owner()
    uploads.put("same", evidence("s"), 10, first)
    uploads.put("same", evidence("s"), 10, second)
    assert len(uploads) == 1 and uploads.total() == 10
    uploads.release("same", first)
    assert "same" in uploads
    uploads.release("same", second)
    assert "same" not in uploads


def test_concurrent_puts_keep_the_bound():
    uploads = store.UploadStore(budget=1000)
    owners = [store.Owner() for _ in range(8)]

    def work(worker: int) -> None:
        for index in range(100):
            uploads.put(f"{worker}-{index}", evidence("t"), 37, owners[worker])

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert uploads.total() <= 1000


def test_once_computes_a_value_once_even_when_asked_concurrently():
    calls = []
    barrier = threading.Barrier(6)

    def slow():
        calls.append(1)
        return object()

    results = []

    def ask():
        barrier.wait()
        results.append(store.once(("test-once", id(calls)), slow))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_a_failed_computation_is_tried_again():
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk full")
        return "built"

    with pytest.raises(OSError):
        store.once(("test-flaky",), flaky)
    assert store.once(("test-flaky",), flaky) == "built"


def test_process_wide_state_survives_clearing_streamlits_caches():
    from streamlit.runtime import caching

    from core.records import DEFAULT_DATA_DIR

    path = store.compiled_path(str(DEFAULT_DATA_DIR))
    con = store.curated_connection(path)
    uploads_before = len(store.UPLOADS)
    caching.cache_data.clear()
    caching.cache_resource.clear()
    assert store.compiled_path(str(DEFAULT_DATA_DIR)) == path
    assert store.curated_connection(path) is con
    assert len(store.UPLOADS) == uploads_before
