"""``database_sync_to_async`` for the sync path, keeping the database thread's connection open.

Channels' helper closes the connection before and after every call, so with Django's default
``CONN_MAX_AGE = 0`` (the right default under ASGI, where each HTTP request has a thread of its
own) every call opens a new connection. The sync path's calls all run on one long-lived
database thread, so that is pure cost: with 1,000 nodes reconnecting at once, opening SQLite
connections was about 40% of that thread's time (bench/, section 5). Here the connection stays
open and is closed only when it broke, as Django does for a persistent connection.
"""

from typing import Any

from asgiref.sync import SyncToAsync
from django.db import connections


class KeptConnectionSyncToAsync(SyncToAsync):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        _close_broken()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _close_broken()


def _close_broken() -> None:
    """Django's ``close_if_unusable_or_obsolete``, without the age limit."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        if connection.get_autocommit() != connection.settings_dict["AUTOCOMMIT"]:
            connection.close()  # left outside autocommit by an error: never reuse it
        elif connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()


# Call sites read like channels': ``@database_sync_to_async``.
database_sync_to_async = KeptConnectionSyncToAsync
