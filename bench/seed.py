"""Create the benchmark's control planes and load a generated config into each, as one version.

Run as ``python -m bench.seed`` with the benchmark's ``DATABASE_URL``, before the server
starts: it prints one JSON line per control plane (id, entities, version, hash). Loading goes
through ``versioned_write`` and the store, the same door every write takes, so the change log,
unique keys and references are exactly what the API would have produced.
"""

import argparse
import json
import os
import sys
from typing import Any

from bench.configgen import Config, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--org", required=True, help="an existing organization's name")
    parser.add_argument("--sizes", required=True, help="entity counts, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konnectlite.settings")
    import django

    django.setup()
    for size in (int(text) for text in args.sizes.split(",")):
        print(json.dumps(seed_control_plane(args.org, size, args.seed)), flush=True)
    return 0


def seed_control_plane(org_name: str, size: int, seed: int) -> dict[str, Any]:
    """A new control plane named ``bench-<size>`` holding ``size`` generated entities."""
    from controlplane.models import Organization
    from controlplane.services.control_planes import create_control_plane

    org = Organization.objects.get(name=org_name)
    cp = create_control_plane(org, name=f"bench-{size}")
    json_bytes = load(cp.pk, generate(size, seed))
    cp.refresh_from_db()
    return {
        "id": str(cp.pk),
        "entities": size,
        "json_bytes": json_bytes,
        "version": cp.config_version,
        "hash": cp.config_hash,
    }


def load(cp_id: Any, config: Config) -> int:
    """Validate every entity against its Kong schema and insert it, all in one version.

    Returns the size of the stored entities as compact JSON.
    """
    from controlplane.services import store
    from controlplane.services.changelog import versioned_write
    from kongcore import protocol
    from kongcore.schema import ENTITY_TYPES, get_schema

    size = 0
    with versioned_write(cp_id, "bench") as writer:
        for entity_type in ENTITY_TYPES:
            schema = get_schema(entity_type)
            for payload in config.get(entity_type, []):
                entity = schema.validate(payload, existing=None)
                store.insert(writer, entity_type, entity)
                size += len(protocol.dumps(entity).encode())
    return size


if __name__ == "__main__":
    sys.exit(main())
