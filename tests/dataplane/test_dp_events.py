from dataplane.events import CrudEvent, Events, ReconfigureEvent


def crud(entity_type="consumers", operation="update"):
    return CrudEvent(operation, entity_type, {"id": "1"}, {"id": "1"})


def test_a_handler_for_an_entity_type_sees_only_that_type():
    events, seen = Events(), []
    events.register(seen.append, "crud", "consumers")

    events.post_crud(crud("consumers"))
    events.post_crud(crud("routes"))

    assert [e.entity_type for e in seen] == ["consumers"]


def test_a_handler_for_the_whole_source_sees_every_type_once():
    events, seen = Events(), []
    events.register(seen.append, "crud")

    events.post_crud(crud("consumers"))
    events.post_crud(crud("routes"))

    assert [e.entity_type for e in seen] == ["consumers", "routes"]


def test_a_handler_for_type_and_operation_sees_only_that_operation():
    events, seen = Events(), []
    events.register(seen.append, "crud", "consumers:delete")

    events.post_crud(crud(operation="update"))
    events.post_crud(crud(operation="delete"))

    assert [e.operation for e in seen] == ["delete"]


def test_source_and_event_may_be_written_as_one_string():
    events, seen = Events(), []
    events.register(seen.append, "declarative:reconfigure")

    called = events.post_reconfigure(ReconfigureEvent(3, "0" * 64, "nack"))

    assert called == 1 and seen[0].version == 3


def test_event_data_reads_as_attributes_or_keys_like_kongs_table():
    event = CrudEvent("create", "consumers", {"id": "1"}, None)

    assert event["operation"] == event.operation == "create"
    assert event["entity"] == {"id": "1"}
    assert event["old_entity"] is None


def test_an_unregistered_handler_is_no_longer_called():
    events, seen = Events(), []
    events.register(seen.append, "crud", "consumers")

    assert events.unregister(seen.append, "crud", "consumers") is True
    events.post_crud(crud())

    assert seen == []
    assert events.unregister(seen.append, "crud", "consumers") is False


def test_a_crud_event_does_not_reach_reconfigure_handlers():
    events, seen = Events(), []
    events.register(seen.append, "declarative")

    events.post_crud(crud())

    assert seen == []
