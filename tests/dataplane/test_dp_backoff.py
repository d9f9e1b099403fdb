import random

from dataplane.backoff import Backoff


def test_delays_stay_within_the_capped_exponential_ceiling():
    backoff = Backoff(rng=random.Random(42))
    ceilings = [0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30]

    for ceiling in ceilings:
        assert backoff.ceiling() == ceiling
        assert 0 <= backoff.next_delay() <= ceiling


def test_full_jitter_spreads_delays_over_the_whole_range():
    backoff = Backoff(rng=random.Random(7))
    backoff.attempt = 20
    delays = [backoff.next_delay() for _ in range(500)]

    assert max(delays) <= 30
    assert min(delays) < 3 and max(delays) > 27


def test_the_same_seed_gives_the_same_delays():
    first = Backoff(rng=random.Random(1))
    second = Backoff(rng=random.Random(1))

    assert [first.next_delay() for _ in range(8)] == [second.next_delay() for _ in range(8)]


def test_reset_starts_again_from_the_base_delay():
    backoff = Backoff(rng=random.Random(3))
    for _ in range(6):
        backoff.next_delay()

    backoff.reset()

    assert backoff.ceiling() == 0.5
    assert backoff.next_delay() <= 0.5


def test_a_very_long_outage_does_not_overflow():
    backoff = Backoff(rng=random.Random(0))
    backoff.attempt = 10_000

    assert 0 <= backoff.next_delay() <= 30
