"""One-entity changes made through the public API, as an operator makes them.

The changed entity is a route copied from the control plane's own config (whatever generator
made it), so its size is typical of the config. Changes cycle create → update → delete, which
keeps the config's size constant however many are made. Each is one version; the benchmark is
the only writer, so the version after a write is the one before plus one.
"""

import itertools
from typing import Any

from bench.api import Api

Operation = str  # "create", "update" or "delete"

_GENERATED = ("id", "created_at", "updated_at")


class ChangeMaker:
    def __init__(self, api: Api, cp_id: str, label: str) -> None:
        self.api = api
        self.base = f"/v2/control-planes/{cp_id}"
        self.label = label
        self.version = int(api.expect(200, "GET", f"{self.base}/expected-config")["version"])
        self.template = self._template()
        self._serial = itertools.count(1)
        self._current: str | None = None
        self._revision = 0

    def next(self) -> tuple[Operation, int]:
        """Make the next change of the cycle; return its operation and version."""
        if self._current is None:
            return "create", self.create()
        if self._revision == 0:
            return "update", self.update()
        return "delete", self.delete()

    def create(self) -> int:
        name = f"bench-{self.label}-{next(self._serial)}"
        body = {**self.template, "name": name, "paths": self._paths(name, "items")}
        self.api.expect(201, "POST", f"{self.base}/core-entities/routes", body)
        self._current, self._revision = name, 0
        return self._committed()

    def update(self) -> int:
        assert self._current is not None, "update needs a created route"
        self._revision += 1
        paths = self._paths(self._current, f"items-r{self._revision}")
        path = f"{self.base}/core-entities/routes/{self._current}"
        self.api.expect(200, "PATCH", path, {"paths": paths})
        return self._committed()

    def delete(self) -> int:
        assert self._current is not None, "delete needs a created route"
        self.api.expect(204, "DELETE", f"{self.base}/core-entities/routes/{self._current}")
        self._current = None
        return self._committed()

    def _paths(self, name: str, resource: str) -> list[str]:
        """As many paths as the copied route has, as long as its are, unique to this route."""
        count = len(self.template.get("paths") or []) or 1
        return [f"/{name}/v{n}/{resource}" for n in range(1, count + 1)]

    def _committed(self) -> int:
        self.version += 1
        return self.version

    def _template(self) -> dict[str, Any]:
        page = self.api.expect(200, "GET", f"{self.base}/core-entities/routes?size=1")
        if not page["data"]:
            raise ValueError("the control plane has no route to copy")
        route: dict[str, Any] = page["data"][0]
        return {k: v for k, v in route.items() if k not in _GENERATED}


def expected(api: Api, cp_id: str) -> tuple[int, str]:
    """The control plane's current version and hash."""
    body = api.expect(200, "GET", f"/v2/control-planes/{cp_id}/expected-config")
    return int(body["version"]), str(body["hash"])
