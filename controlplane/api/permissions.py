"""Permissions, named as the questions they answer."""

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request


class IsOrgMember(permissions.BasePermission):
    """The caller belongs to the organization the request is about (set by the view)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(view, "membership", None) is not None


class CanWriteEntities(permissions.BasePermission):
    """Reads are open to members; writes need the admin or editor role."""

    message = "viewers cannot make changes"

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        membership = getattr(view, "membership", None)
        return membership is not None and membership.can_write


class IsOrgAdminForWrites(permissions.BasePermission):
    message = "only organization admins may do this"

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        membership = getattr(view, "membership", None)
        return membership is not None and membership.is_admin
