"""Percentiles by nearest rank, as the results report them."""

import pytest

from bench.stats import percentile, ratio, summary


def test_the_p99_of_a_hundred_samples_is_the_99th() -> None:
    samples = list(range(1, 101))
    assert percentile(samples, 0.99) == 99
    assert percentile(samples, 0.50) == 50


def test_one_slow_sample_in_ten_is_the_p99() -> None:
    assert percentile([1.0] * 9 + [500.0], 0.99) == 500.0


def test_a_summary_of_nothing_says_so() -> None:
    assert summary([]) == {"count": 0}


def test_percentile_refuses_no_samples() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_a_ratio_over_zero_is_none() -> None:
    assert ratio(3, 0) is None
    assert ratio(3, 2) == 1.5
