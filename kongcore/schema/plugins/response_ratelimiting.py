"""response-ratelimiting: limits the upstream counts through a response header."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema.fields import Boolean, Map, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.rate_limiting import PERIODS, periods_in_order
from kongcore.schema.plugins.redis import redis_record, redis_shorthands
from kongcore.schema.record import Record


def _periods_in_order(limit: dict[str, Any]) -> str | None:
    return periods_in_order(limit, article="the")


def _limit() -> Record:
    record = Record(
        [(period, Number(gt=0)) for period in PERIODS],
        checks=[C.AtLeastOneOf(PERIODS)],
    )
    record.validators = (_periods_in_order,)
    return record


def _when_redis(then: str) -> C.Conditional:
    return C.Conditional("config.policy", C.eq("redis"), f"config.{then}", C.required)


PLUGIN = PluginDef(
    name="response-ratelimiting",
    config=config(
        [
            ("header_name", String(default="x-kong-limit")),
            ("limit_by", String(default="consumer", one_of=("consumer", "credential", "ip"))),
            # Kong narrows this to local/redis on a control plane; like rate-limiting
            # here, "cluster" stays accepted so files from DB-mode gateways load.
            ("policy", String(default="local", one_of=("local", "cluster", "redis"))),
            ("fault_tolerant", Boolean(required=True, default=True)),
            ("redis", redis_record()),
            ("block_on_first_violation", Boolean(required=True, default=False)),
            ("hide_client_headers", Boolean(required=True, default=False)),
            ("limits", Map(String(), _limit(), required=True, len_min=1)),
        ],
        shorthands=redis_shorthands(),
    ),
    checks=(_when_redis("redis.host"), _when_redis("redis.port"), _when_redis("redis.timeout")),
)
