"""Generate a large decK file: ``python scripts/generate_config.py [--entities N] [-o FILE]``.

The mix is the benchmark's (``bench/configgen.py``, shaped like the 30,000-entity example
of Kong's incremental-sync documentation): services with routes, an upstream with targets,
plugins (rate-limiting, key-auth, acl, request-transformer, cors), consumers with key-auth
credentials and ACL groups. Each entity is written as ``deck gateway dump`` writes it, with
every default filled in and nested the way decK nests. The same ``--seed`` always gives
byte-identical output. Ids are left out, as decK leaves them out, unless ``--with-ids``.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.configgen import generate  # noqa: E402
from controlplane.declarative import shapes  # noqa: E402
from controlplane.declarative.export import export_document, render  # noqa: E402
from kongcore.schema import get_schema  # noqa: E402


def build(entities: int, seed: int, *, with_ids: bool) -> dict[str, Any]:
    """The decK document of ``entities`` entities."""
    config = generate(entities, seed)
    full = {kind: [get_schema(kind).validate(e) for e in rows] for kind, rows in config.items()}
    document = export_document(full)
    if not with_ids:
        for kind in shapes.TOP_LEVEL:
            _strip_ids(kind, document.get(kind, []))
    return document


def _strip_ids(kind: str, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        entry.pop("id", None)
        for key, (child, _) in shapes.CHILDREN.get(kind, {}).items():
            if child != shapes.MEMBERSHIP:
                _strip_ids(child, entry.get(key, []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30_000, help="how many (default 30000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--with-ids", action="store_true", help="keep every entity's id")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = render(build(args.entities, args.seed, with_ids=args.with_ids), args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
