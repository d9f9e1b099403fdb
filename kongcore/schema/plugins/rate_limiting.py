"""rate-limiting: count requests per period in local memory, the cluster DB or Redis."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.redis import redis_record, redis_shorthands
from kongcore.schema.record import Record

PERIODS = ("second", "minute", "hour", "day", "month", "year")
LIMIT_BY = ("consumer", "credential", "ip", "service", "header", "path", "consumer-group")


def periods_in_order(conf: dict[str, Any], article: str = "The") -> str | None:
    """A longer period may not allow fewer requests than a shorter one.

    response-ratelimiting words the same message with a lower-case "the".
    """
    for index, lower in enumerate(PERIODS):
        low = conf.get(lower)
        if not isinstance(low, int | float):
            continue
        for upper in PERIODS[index + 1 :]:
            high = conf.get(upper)
            if isinstance(high, int | float) and high < low:
                return (
                    f"{article} limit for {upper}({float(high):.1f}) cannot be lower than "
                    f"the limit for {lower}({float(low):.1f})"
                )
    return None


def _config() -> Record:
    record = config(
        [
            *[(period, Number(gt=0)) for period in PERIODS],
            ("limit_by", String(default="consumer", one_of=LIMIT_BY)),
            ("header_name", T.header_name()),
            ("path", T.path()),
            ("policy", String(default="local", len_min=0, one_of=("local", "cluster", "redis"))),
            ("fault_tolerant", Boolean(required=True, default=True)),
            ("redis", redis_record()),
            ("hide_client_headers", Boolean(required=True, default=False)),
            ("error_code", Number(default=429, gt=0)),
            ("error_message", String(default="API rate limit exceeded")),
            ("sync_rate", Number(required=True, default=-1)),
        ],
        shorthands=redis_shorthands(),
    )
    record.validators = (periods_in_order,)
    return record


def _when(field: str, value: str, then: str) -> C.Conditional:
    return C.Conditional(f"config.{field}", C.eq(value), f"config.{then}", C.required)


PLUGIN = PluginDef(
    name="rate-limiting",
    config=_config(),
    checks=(
        C.AtLeastOneOf(tuple(f"config.{p}" for p in PERIODS)),
        _when("policy", "redis", "redis.host"),
        _when("policy", "redis", "redis.port"),
        _when("limit_by", "header", "header_name"),
        _when("limit_by", "path", "path"),
        _when("policy", "redis", "redis.timeout"),
    ),
)
