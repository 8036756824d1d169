"""The web worker's garbage collection: a request's reference cycles are collected after its
response is sent (gunicorn's ``post_request``), one generation at a time."""

import gc
import runpy
import weakref
from site import worker_gc

import pytest

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

    assert worker_gc.collect_after_response() == 0

    assert witness() is None
    assert gc.get_count()[0] < worker_gc.AFTER_RESPONSE_MIN_YOUNG


def test_a_request_that_left_little_costs_no_pass(no_automatic_gc):
    witness = leave_cycles(10)

    assert worker_gc.collect_after_response() is None

    assert witness() is not None
    gc.collect()
    assert witness() is None


def test_older_generations_are_collected_in_turn(no_automatic_gc):
    for _ in range(worker_gc.OLDER_EVERY):
        gc.collect(0)
    leave_cycles()
    assert worker_gc.collect_after_response() == 1

    for _ in range(worker_gc.OLDER_EVERY - 1):
        gc.collect(1)
    leave_cycles()
    assert worker_gc.collect_after_response() == 2
    assert gc.get_count()[1:] == (0, 0)


def test_gunicorn_collects_after_each_response(no_automatic_gc):
    config = runpy.run_path(str(PROJECT_DIR / "site" / "gunicorn.conf.py"))
    witness = leave_cycles()

    config["post_request"](None, None, {}, None)

    assert witness() is None


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
