"""post-function: pre-function's schema, run after the other plugins."""

from __future__ import annotations

from kongcore.schema.plugins.pre_function import serverless_plugin

PLUGIN = serverless_plugin("post-function")
