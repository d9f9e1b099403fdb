"""Reading decK files: YAML as decK reads it, JSON, and what cannot be read."""

import pytest

from controlplane.declarative import deck_yaml, limits, parse
from controlplane.declarative.errors import InvalidDeclarativeConfig
from tests.support.yaml_bombs import BILLION_LAUGHS


def refused(source: str | bytes) -> str:
    with pytest.raises(InvalidDeclarativeConfig) as error:
        parse.load_document(source)
    return error.value.problems[0].location + ": " + error.value.problems[0].message


def test_yaml_and_json_read_to_the_same_document() -> None:
    from_yaml = parse.load_document("services:\n- name: a\n  port: 80\n  enabled: true\n")
    from_json = parse.load_document('{"services": [{"name": "a", "port": 80, "enabled": true}]}')
    assert from_yaml == from_json


def test_dates_stay_strings_and_map_keys_become_strings() -> None:
    document = parse.load_document("tags: [2024-01-01]\nconfig:\n  200: ok\n  yes: 1\n")
    assert document == {"tags": ["2024-01-01"], "config": {"200": "ok", "true": 1}}


def test_yaml_1_1_scalars_are_typed_as_decK_types_them() -> None:
    document = parse.load_document("a: yes\nb: 0x1F\nc: ~\nd: ''\ne: 1.5\nf: '80'\n")
    assert document == {"a": True, "b": 31, "c": None, "d": "", "e": 1.5, "f": "80"}


def test_anchors_aliases_and_merge_keys_work() -> None:
    text = "base: &b {host: h, port: 1}\nsvc:\n  <<: *b\n  port: 2\nsame: *b\n"
    document = parse.load_document(text)
    assert document["svc"] == {"host": "h", "port": 2}
    assert document["same"] == {"host": "h", "port": 1}


def test_a_billion_laughs_is_refused_at_the_alias_that_crosses_the_bound() -> None:
    message = refused(BILLION_LAUGHS)
    assert message.startswith("file: YAML aliases expand the file too much at line 5, column")
    assert "alias 'lol3'" in message
    assert "at most 10 times the values a file writes, or 100,000 values" in message


def test_aliases_may_add_up_to_ten_times_what_the_file_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "EXPANSION_ALLOWANCE", 0)

    # Before the aliases the file writes 12 values: key a, its list and 9 items, key b.
    # Each alias adds the 10 values of the anchored list: 12 aliases add 120, the bound.
    def file(aliases: int) -> str:
        return "a: &a [x, x, x, x, x, x, x, x, x]\nb: [" + ", ".join(["*a"] * aliases) + "]\n"

    assert len(parse.load_document(file(12))["b"]) == 12
    assert "alias 'a' brings the file to 142 values from the 12 it writes" in refused(file(13))


def test_aliases_in_a_large_file_are_bounded_even_under_the_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deck_yaml, "MAX_EXPANDED_VALUES", 1000)
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdef":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]")
    assert "YAML aliases expand the file too much" in refused("\n".join(lines))


def test_a_decK_file_with_a_few_ordinary_anchors_reads_as_written_out() -> None:
    text = """_format_version: "3.0"
services:
- name: billing
  host: billing.internal
  <<: &timeouts {connect_timeout: 5000, read_timeout: 5000}
  tags: &tags [team-billing, tier-1]
  routes:
  - {name: invoices, paths: [/invoices], tags: *tags}
- name: payments
  host: payments.internal
  <<: *timeouts
  read_timeout: 9000
  tags: *tags
"""
    services = parse.load_document(text)["services"]
    assert services[0]["connect_timeout"] == 5000 and services[0]["read_timeout"] == 5000
    assert services[1]["read_timeout"] == 9000
    assert services[0]["routes"][0]["tags"] == ["team-billing", "tier-1"]


def test_unparseable_yaml_names_line_and_column() -> None:
    assert refused("services:\n  - name: [oops\n").startswith("file: could not parse YAML at line")


def test_unparseable_json_is_refused() -> None:
    assert refused('{"services": [}').startswith("file: could not parse JSON")


def test_a_file_must_be_a_map() -> None:
    assert (
        refused("- a\n- b\n") == "file: expected a map of entity collections at the top of the file"
    )


def test_an_empty_file_is_refused() -> None:
    assert refused("  \n") == "file: the file is empty"


def test_a_file_that_is_not_utf8_is_refused() -> None:
    assert refused(b"services: \xff\xfe\n").startswith("file: the file is not UTF-8 text")


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse.load_document("\ufeff_format_version: '3.0'\n") == {"_format_version": "3.0"}


def test_deck_environment_templates_are_refused_where_they_are() -> None:
    text = (
        'services:\n- name: s\n  host: ${{ env "DECK_HOST" }}\n  tags: ["a:${{ env "DECK_T" }}"]\n'
    )
    with pytest.raises(InvalidDeclarativeConfig) as error:
        parse.load_document(text)
    problems = {p.where: p.message for p in error.value.problems}
    assert set(problems) == {"services[0].host", "services[0].tags[0]"}
    assert '${{ env "DECK_HOST" }}' in problems["services[0].host"]
    assert "deck file render" in problems["services[0].host"]


def test_an_already_parsed_document_is_taken_as_is() -> None:
    assert parse.load_document({"services": []}) == {"services": []}


def test_more_than_one_yaml_document_is_refused() -> None:
    assert "one YAML document" in refused("a: 1\n---\nb: 2\n")


def test_an_unknown_alias_is_refused() -> None:
    assert "could not parse YAML" in refused("a: *nowhere\n")


def test_octal_hex_and_sexagesimal_numbers_read_as_yaml_1_1_reads_them() -> None:
    document = parse.load_document("a: 010\nb: -0x10\nc: 1:30\nd: 1_000\ne: .inf\nf: -1.5e+3\n")
    assert document == {"a": 8, "b": -16, "c": 90, "d": 1000, "e": float("inf"), "f": -1500.0}


def test_values_nested_too_deeply_are_refused() -> None:
    assert refused('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}") == "file: " + parse.TOO_DEEP
    assert "nesting depth" in refused("a: " + "[" * 100_000 + "]" * 100_000)
