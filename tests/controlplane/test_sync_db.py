"""The sync path's database helper keeps the database thread's connection, unless it broke."""

from typing import Any

import pytest
from django.db import connections

from controlplane.sync.db import database_sync_to_async

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def current_connection() -> Any:
    wrapper = connections["default"]
    wrapper.ensure_connection()
    return wrapper.connection


@database_sync_to_async
def break_the_connection() -> None:
    wrapper = connections["default"]
    wrapper.ensure_connection()
    wrapper.errors_occurred = True
    wrapper.is_usable = lambda: False  # type: ignore[method-assign]


@database_sync_to_async
def mend_the_wrapper() -> None:
    del connections["default"].is_usable


async def test_calls_reuse_one_connection() -> None:
    assert await current_connection() is await current_connection()


async def test_a_broken_connection_is_replaced() -> None:
    before = await current_connection()
    await break_the_connection()
    await mend_the_wrapper()
    assert await current_connection() is not before
