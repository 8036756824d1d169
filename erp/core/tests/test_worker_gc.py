"""The web worker's garbage collection: a request's reference cycles are collected once the request
is over (gunicorn's sync worker, ``site/worker_gc.py``), one generation at a time."""

import gc
import runpy
import weakref
from site import worker_gc

import pytest
from gunicorn.util import load_class
from gunicorn.workers.sync import SyncWorker

from erp.bootstrap import PROJECT_DIR


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def no_automatic_gc():
    """The test decides when the collector runs (the automatic one would reset its counts)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def leave_cycles(count: int = 2_000) -> weakref.ref:
    """What a request leaves behind: ``count`` objects in cycles; a weak reference to one of them."""
    nodes = [Node() for _ in range(count)]
    witness = weakref.ref(nodes[0])
    del nodes
    return witness


def test_a_finished_request_s_cycles_are_collected(no_automatic_gc):
    witness = leave_cycles()
    assert witness() is not None  # nothing freed it yet

    assert worker_gc.collect_after_request() == 0

    assert witness() is None
    assert gc.get_count()[0] < worker_gc.AFTER_REQUEST_MIN_YOUNG


def test_a_request_that_left_little_costs_no_pass(no_automatic_gc):
    witness = leave_cycles(10)

    assert worker_gc.collect_after_request() is None

    assert witness() is not None
    gc.collect()
    assert witness() is None


def test_older_generations_are_collected_in_turn(no_automatic_gc):
    for _ in range(worker_gc.OLDER_EVERY):
        gc.collect(0)
    leave_cycles()
    assert worker_gc.collect_after_request() == 1

    for _ in range(worker_gc.OLDER_EVERY - 1):
        gc.collect(1)
    leave_cycles()
    assert worker_gc.collect_after_request() == 2
    assert gc.get_count()[1:] == (0, 0)


def test_gunicorn_s_worker_collects_once_a_request_is_over(no_automatic_gc, monkeypatch):
    config = runpy.run_path(str(PROJECT_DIR / "site" / "gunicorn.conf.py"))
    worker_class = load_class(config["worker_class"])
    assert issubclass(worker_class, SyncWorker)
    witnesses = []

    def handle(self, listener, client, addr):  # the request: served, answered, its socket closed
        witnesses.append(leave_cycles())
        assert witnesses[-1]() is not None
        if client == "fails":
            raise OSError("connection reset")

    monkeypatch.setattr(SyncWorker, "handle", handle)
    worker = object.__new__(worker_class)
    worker.handle(None, "client", None)
    assert witnesses[-1]() is None

    with pytest.raises(OSError):
        worker.handle(None, "fails", None)
    assert witnesses[-1]() is None


def test_threaded_workers_keep_gunicorn_s_own_worker(monkeypatch):
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    config = runpy.run_path(str(PROJECT_DIR / "site" / "gunicorn.conf.py"))
    assert "worker_class" not in config  # gunicorn picks its threaded worker


def test_the_worker_freezes_the_loaded_application():
    frozen_before = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    try:
        worker_gc.freeze_loaded_application()
        assert gc.get_freeze_count() > frozen_before
        assert gc.get_threshold() == worker_gc.AUTOMATIC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
