from kongcore.schema import SchemaViolation


def test_single_error_message():
    assert SchemaViolation({"port": "bad"}).message == "schema violation (port: bad)"


def test_many_errors_are_counted_with_entity_errors_first_then_sorted_fields():
    error = SchemaViolation(
        {"b": "x", "a": "y", "config": {"minute": "z"}, "@entity": ["whole thing"]}
    )
    assert error.message == "4 schema violations (whole thing; a: y; b: x; config.minute: z)"
    assert str(error) == error.message


def test_deeper_errors_are_pretty_printed_like_kong():
    error = SchemaViolation({"config": {"redis": {"host": "required field missing"}}})
    assert error.message == (
        'schema violation (config.redis: {\n  host = "required field missing"\n})'
    )


def test_fields_keep_the_error_tree():
    tree = {"config": {"minute": "expected an integer"}}
    assert SchemaViolation(tree).fields == tree
