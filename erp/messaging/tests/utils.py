from django.test import TestCase


def committed():
    """Inside a test's transaction, run a block as if it committed: the ``on_commit`` callbacks it
    registers (the planning task, then the sending it queues) run at its end, as in production."""
    return TestCase.captureOnCommitCallbacks(execute=True)
