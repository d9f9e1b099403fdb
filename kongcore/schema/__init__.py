"""Kong Gateway 3.x entity schemas: validation, defaults and normalization.

Pure Python (no Django) so the control plane and the data-plane agent share it.
`get_schema("services").validate(data)` returns the entity exactly as Kong's Admin
API would show it, or raises SchemaViolation with Kong's error tree and message.
"""

from kongcore.schema.entity import EntitySchema, ForeignKey
from kongcore.schema.errors import SchemaViolation
from kongcore.schema.plugins import plugin_names
from kongcore.schema.registry import ENTITY_TYPES, get_schema

__all__ = [
    "ENTITY_TYPES",
    "EntitySchema",
    "ForeignKey",
    "SchemaViolation",
    "get_schema",
    "plugin_names",
]
