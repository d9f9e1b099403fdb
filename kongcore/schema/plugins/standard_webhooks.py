"""standard-webhooks: verify incoming webhooks signed per the Standard Webhooks spec."""

from __future__ import annotations

from kongcore.schema.fields import Integer, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="standard-webhooks",
    no_consumer=True,
    config=config(
        [
            ("secret_v1", String(required=True)),
            ("tolerance_second", Integer(required=True, gt=-1, default=5 * 60)),
        ]
    ),
)
