"""The one error a benchmark raises when the system under test is broken, not merely slow."""


class BenchFailure(Exception):
    """Something did not work (a node never caught up, an API call failed): the run fails.

    Missing a performance target is not a failure; it is a result, reported as such.
    """
