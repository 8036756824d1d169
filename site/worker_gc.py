"""Python's garbage collector in a web worker (used by ``site/gunicorn.conf.py``).

A request leaves a few thousand objects in reference cycles (model instances and the rows
prefetched with them point at each other; request, response and serializer objects too) that only
the cyclic collector frees. Left to itself, the collector runs when enough of them have piled up, in
the middle of whichever request crosses its threshold: most of the difference between the API
lists' median and their p95 (bench/profiling.md).

So a worker first freezes what loading the application left (it lives as long as the process), and
then collects once each request is over (response sent, connection closed), while no client waits
on it: one generation at a time, as the collector itself would, each pass small because it runs
often. Not in gunicorn's ``post_request`` hook: the request, its response and everything they hold
are still alive there, so a pass would only move them to an older generation, to be collected later
and more slowly. The automatic collector stays on, for a request that
alone makes more cycles than its threshold, and is all a threaded (gthread) worker has.
"""

import gc

from gunicorn.workers.sync import SyncWorker

# Young objects (allocations less deallocations) below which a finished request leaves nothing worth
# a pass: /healthz and cached pages stay free of it.
AFTER_REQUEST_MIN_YOUNG = 1_000
# Passes of a generation before the next older one is collected (CPython's own default is 10).
OLDER_EVERY = 10
# The automatic collector's thresholds, for a request that makes many cycles by itself.
AUTOMATIC_THRESHOLDS = (20_000, 20, 20)


def freeze_loaded_application() -> None:
    """Move every object loading the application made out of the collector's reach."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (load the URL configuration before freezing it)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*AUTOMATIC_THRESHOLDS)


def collect_after_request() -> int | None:
    """Collect the youngest generation due, once a request is over; the generation collected (None
    when too little was left to be worth it)."""
    young, middle_passes, old_passes = gc.get_count()
    if young < AFTER_REQUEST_MIN_YOUNG:
        return None
    generation = 2 if old_passes >= OLDER_EVERY else 1 if middle_passes >= OLDER_EVERY else 0
    gc.collect(generation)
    return generation


class CollectingSyncWorker(SyncWorker):
    """gunicorn's sync worker, collecting each request's garbage once the request is over."""

    def handle(self, listener, client, addr):
        try:
            super().handle(listener, client, addr)
        finally:
            collect_after_request()
