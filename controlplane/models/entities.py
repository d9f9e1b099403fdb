"""The config store: every Kong entity of every control plane, as Kong-shaped JSON.

One table serves all entity types; ``kongcore.schema`` gives each type its fields, defaults,
unique fields and references. Uniqueness and references get their own indexed tables so that
the checks Kong's database makes (unique names, "referenced by others", cascades) stay
index lookups at 30,000 entities.
"""

from django.db import models

from controlplane.models.control_planes import ControlPlane


class Entity(models.Model):
    control_plane = models.ForeignKey(ControlPlane, on_delete=models.CASCADE, related_name="+")
    entity_type = models.CharField(max_length=40)
    entity_id = models.UUIDField()
    # The value of the type's endpoint key (name, username, ...), for lookups by name.
    # NULL, not "", for "no key": an empty string is a value Kong could hold.
    endpoint_key = models.CharField(max_length=512, null=True, blank=True)  # noqa: DJ001
    # Tags as ",a,b," so that tag filters are plain LIKE queries on every database.
    tags_text = models.TextField(default="", blank=True)
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["control_plane", "entity_type", "entity_id"], name="entity_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["control_plane", "entity_type", "endpoint_key"], name="entity_key")
        ]

    def __str__(self) -> str:
        return f"{self.entity_type}:{self.entity_id}"


class UniqueKey(models.Model):
    """One unique field value (or composite) of one entity, hashed to a fixed size."""

    control_plane = models.ForeignKey(ControlPlane, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="unique_keys")
    entity_type = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["control_plane", "entity_type", "key_hash"], name="unique_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_type}:{self.key_hash[:12]}"


class EntityRef(models.Model):
    """A foreign reference from one entity to another, with Kong's on-delete rule."""

    control_plane = models.ForeignKey(ControlPlane, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="refs")
    field = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.UUIDField()

    class Meta:
        indexes = [
            models.Index(fields=["control_plane", "target_type", "target_id"], name="ref_target")
        ]

    def __str__(self) -> str:
        return f"{self.field} -> {self.target_type}:{self.target_id}"
