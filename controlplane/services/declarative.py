"""Declarative config: sync a decK file onto a control plane as one version, or export one."""

from collections.abc import Mapping
from typing import Any

from controlplane.declarative import parse
from controlplane.declarative.diff import Diff
from controlplane.declarative.errors import Problem, Problems
from controlplane.declarative.export import export_document
from controlplane.declarative.flatten import FlatConfig, flatten
from controlplane.declarative.plan import Progress, plan_sync
from controlplane.errors import Conflict
from controlplane.models import ControlPlane, Entity
from controlplane.services import bulk_store
from controlplane.services.changelog import versioned_write

# Planning happens outside the write lock; if another write lands meanwhile, plan again.
ATTEMPTS = 3


def apply_declarative_config(
    cp: ControlPlane,
    source: str | bytes | Mapping[str, Any],
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Diff:
    """Make ``cp``'s config equal to the decK file ``source`` (YAML/JSON text or parsed).

    The whole file is read, matched against the current config and validated before anything
    is written; any problem raises ``InvalidDeclarativeConfig`` naming every bad entity, and
    nothing changes. Otherwise every change is committed as one version (none if nothing
    changed) and the returned diff carries the resulting ``config_version``. With ``dry_run``
    the diff says what would change and nothing is written.

    The trap: the sync owns everything the file covers. Without ``_info.select_tags`` that is
    the whole control plane, and entities missing from the file are deleted.
    """
    problems = Problems()
    flat = read_file(source, cp, problems)
    for _ in range(ATTEMPTS):
        current = bulk_store.load_current(cp)
        try:
            plan = plan_sync(flat, current, problems, progress)
        except RecursionError:
            raise parse.unreadable(parse.TOO_DEEP) from None
        diff = Diff.from_plan(plan, dry_run=dry_run)
        if dry_run or plan.is_empty:
            return diff
        with versioned_write(cp.pk, actor, action="declarative.sync") as writer:
            if writer.control_plane.config_version != plan.base_version:
                continue  # someone wrote since we read: nothing recorded, plan again
            bulk_store.apply_plan(writer, plan, progress)
        return diff.at_version(writer.control_plane.config_version)
    raise Conflict("the control plane's config kept changing during the sync; try again")


def read_file(
    source: str | bytes | Mapping[str, Any], cp: ControlPlane, problems: Problems
) -> FlatConfig:
    """Parse and flatten a decK file meant for ``cp``, collecting its problems."""
    flat = flatten(parse.load_document(source), problems)
    named = flat.options.control_plane_name
    if named is not None and named != cp.name:
        message = f"the file is for control plane '{named}', not '{cp.name}'"
        problems.add(Problem("_konnect", "control_plane_name", message))
    return flat


def export_declarative_config(cp: ControlPlane) -> dict[str, Any]:
    """The control plane's whole config as a decK document (render it with ``export.render``)."""
    config: dict[str, list[dict[str, Any]]] = {}
    rows = Entity.objects.filter(control_plane=cp).values_list("entity_type", "data")
    for entity_type, data in rows.iterator(2000):
        config.setdefault(entity_type, []).append(data)
    return export_document(config)
