"""Sizes in human units with the exact count on hover, and times."""

from datetime import timedelta

import pytest
from django.utils import timezone

from controlplane.dashboard.templatetags.dashboard import ago, human_bytes, millis, size


@pytest.mark.parametrize(
    "count,text",
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (30 * 1024**2, "30.0 MiB"),
        (5 * 1024**4, "5.0 TiB"),
    ],
)
def test_sizes_read_in_binary_units(count: int, text: str) -> None:
    assert human_bytes(count) == text


def test_a_size_keeps_the_exact_byte_count_in_its_title() -> None:
    assert size(31457280) == '<span class="size" title="31,457,280 bytes">30.0 MiB</span>'


def test_a_missing_size_is_a_dash() -> None:
    assert "—" in size(None)


def test_times_read_as_ago_with_the_exact_time_in_the_title() -> None:
    html = ago(timezone.now() - timedelta(minutes=3))
    assert "3\xa0minutes ago" in html and " UTC" in html
    assert "just now" in ago(timezone.now())
    assert "never" in ago(None)


def test_latencies_read_in_milliseconds() -> None:
    assert ">42 ms<" in millis(42.4) and ">1.5 ms<" in millis(1.5)


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("Gateway services", "gateway services"),
        ("Key-auth credentials", "key-auth credentials"),
        ("CA certificates", "CA certificates"),
        ("SNIs", "SNIs"),
        ("ACL groups", "ACL groups"),
        ("", ""),
    ],
)
def test_labels_keep_their_acronyms_mid_sentence(label: str, text: str) -> None:
    from controlplane.dashboard.templatetags.dashboard import in_sentence

    assert in_sentence(label) == text
