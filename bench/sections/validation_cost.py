"""7. Validation cost: the worst inputs a member may send, each timed through the API.

Issue 9 item 5: validation must cost time linear in the input. Each case is one request on
the run's server, timed from send to answer, with the status it got:

- 95,000 tags (under the 1 MiB body limit) on ``/schemas/services/validate``, which viewers
  may call; set uniqueness was checked against a list and took 61 s;
- decK dry runs whose YAML aliases add as much as the bound allows (where the 100,000-value
  allowance binds, where the factor of 10 does, and at the 20,000,000-value ceiling), the
  same files grown one step (refused with 400), and the classic "billion laughs";
- a route regex nested too deeply for Python's ``re`` to compile (was a 500).
"""

import http.client
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bench.cluster import Cluster
from bench.context import Context, in_thread
from bench.errors import BenchFailure
from controlplane.declarative.deck_yaml import YAMLProblem, load_yaml
from controlplane.declarative.limits import count_values

TAGS = 95_000
ALIASED_TAGS = 100  # tags each service repeats through its alias
FACTOR_SERVICES = 2_000  # services of the file the factor bounds
WIDE = ", port: 8080, path: /v1, retries: 3"  # what a service writes besides name and host
BODY_LIMIT = 1024 * 1024
TIMEOUT_S = 900.0


async def measure(ctx: Context) -> dict[str, Any]:
    cluster = ctx.cluster
    cp_id = cluster.control_planes[min(ctx.profile.sizes)].id
    cases = [("tags_95000_validate", *_tags_case(cp_id))]
    files = _files_at_the_bound(ceiling=ctx.profile.alias_ceiling)
    for bound, (at, past) in files.items():
        cases.append((f"deck_aliases_at_{bound}_dry_run", *_deck_case(cp_id, at)))
        cases.append((f"deck_aliases_past_{bound}_dry_run", *_deck_case(cp_id, past)))
    cases.append(("deck_billion_laughs_dry_run", *_deck_case(cp_id, _billion_laughs())))
    cases.append(("route_regex_too_nested_validate", *_regex_case(cp_id)))
    results = {}
    for name, path, content_type, body, expected in cases:
        results[name] = await in_thread(_timed, cluster, path, content_type, body, expected)
    for bound, (at, _) in files.items():
        results[f"deck_aliases_at_{bound}_dry_run"]["values"] = _values(at)
    return {"cases": results, "timeout_s": TIMEOUT_S}


def _files_at_the_bound(*, ceiling: bool) -> dict[str, tuple[str, str]]:
    """For each part of the bound, the largest file it allows and the same grown one step.

    Services that write little (name, host) against 100 aliased tags each hit the
    100,000-value allowance; 2,000 services that write more hit the factor of 10 as the
    anchored list grows; as many of those as the reader allows hit the 20,000,000 ceiling
    (a 15 MB file; only with ``ceiling``, as finding and syncing it takes minutes).
    """

    def small(n: int) -> str:
        return _alias_file(n, ALIASED_TAGS, "")

    def wide(n: int) -> str:
        return _alias_file(FACTOR_SERVICES, n, WIDE)

    def many(n: int) -> str:
        return _alias_file(n, ALIASED_TAGS, WIDE)

    found = {}
    kinds = [("allowance", small), ("factor", wide)] + ([("ceiling", many)] if ceiling else [])
    for bound, file in kinds:
        n = _largest(file)
        found[bound] = (file(n), file(n + 1))
    return found


def _tags_case(cp_id: str) -> tuple[str, str, bytes, int]:
    body = json.dumps({"host": "example.com", "tags": [f"t{i:06d}" for i in range(TAGS)]})
    if len(body) >= BODY_LIMIT:
        raise BenchFailure(f"the {TAGS:,}-tag body is {len(body):,} bytes, over 1 MiB")
    path = f"/v2/control-planes/{cp_id}/core-entities/schemas/services/validate"
    return path, "application/json", body.encode(), 200


def _regex_case(cp_id: str) -> tuple[str, str, bytes, int]:
    body = json.dumps({"paths": ["~/" + "(" * 5000 + ")" * 5000]})
    path = f"/v2/control-planes/{cp_id}/core-entities/schemas/routes/validate"
    return path, "application/json", body.encode(), 400


def _deck_case(cp_id: str, text: str) -> tuple[str, str, bytes, int]:
    path = f"/v2/control-planes/{cp_id}/declarative-config?dry_run=true"
    accepted = _accepted(text)
    return path, "application/yaml", text.encode(), 200 if accepted else 400


def _alias_file(services: int, tags: int, extra: str) -> str:
    """``services`` services; the first anchors ``tags`` tags, the others repeat them."""
    anchored = ", ".join(f"tag-{i:04d}" for i in range(tags))
    lines = [
        '_format_version: "3.0"',
        "services:",
        f"- {{name: s0, host: h0, tags: &t [{anchored}]}}",
    ]
    lines += [f"- {{name: s{n}, host: h{n}.internal{extra}, tags: *t}}" for n in range(1, services)]
    return "\n".join(lines) + "\n"


def _largest(file: Callable[[int], str]) -> int:
    """The largest n for which ``file(n)`` is within the bound (binary search on the reader)."""
    low, high = 1, 2
    while _accepted(file(high)):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _accepted(file(middle)) else (low, middle)
    return low


def _values(text: str) -> int:
    """Values in the file with its aliases written out."""
    return count_values(load_yaml(text))


def _accepted(text: str) -> bool:
    try:
        load_yaml(text)
    except YAMLProblem:
        return False
    return True


def _billion_laughs() -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\n"


def _timed(
    cluster: Cluster, path: str, content_type: str, body: bytes, expected: int
) -> dict[str, Any]:
    """Send one request (the bench's JSON client cannot send YAML); time it, check its status."""
    parts = urlsplit(cluster.url)
    host = parts.hostname or "127.0.0.1"
    connection = http.client.HTTPConnection(host, parts.port, timeout=TIMEOUT_S)
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {cluster.token}"}
    try:
        started = time.monotonic()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.monotonic() - started
    finally:
        connection.close()
    if response.status != expected:
        raise BenchFailure(
            f"POST {path}: expected {expected}, got {response.status}: {answer[:300]!r}"
        )
    return {"request_bytes": len(body), "status": response.status, "seconds": round(elapsed, 3)}
