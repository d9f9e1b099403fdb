"""acl: allow or deny consumers by the ACL groups they belong to."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema.fields import Array, Boolean, String
from kongcore.schema.plugins.base import PluginDef, config

_LISTS = ("config.allow", "config.deny")

PLUGIN = PluginDef(
    name="acl",
    no_consumer=True,
    config=config(
        [
            ("allow", Array(String())),
            ("deny", Array(String())),
            ("hide_groups_header", Boolean(required=True, default=False)),
            ("include_consumer_groups", Boolean(default=False)),
            ("always_use_authenticated_groups", Boolean(required=True, default=False)),
        ]
    ),
    checks=(C.OnlyOneOf(_LISTS), C.AtLeastOneOf(_LISTS)),
)
