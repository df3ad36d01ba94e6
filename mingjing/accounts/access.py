"""Who may do what, where. The only place that maps roles to permissions.

A role is held in one unit. Each permission it grants reaches either that unit only (OWN) or
that unit and every unit below it (SUBTREE). Selectors turn this into query filters, so a list
never contains what the user may not see, and a lookup outside the user's scope is a 404.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from mingjing.accounts.models import THREE_ADMINS, Membership, Role
from mingjing.lib.shapes import prepared_query


class Perm(enum.StrEnum):
    UNIT_READ = "unit.read"  # see the unit, its divisions, branches and people
    UNIT_MANAGE = "unit.manage"  # edit people, divisions, branches; import the roster
    UNIT_ADMIN = "unit.admin"  # edit the unit itself, add units below it, grant roles, year configs
    MEETING_READ = "meeting.read"
    MEETING_WRITE = "meeting.write"  # create and edit meetings, their roster and steps
    MEETING_ASSIGN = "meeting.assign"  # assign 督导组 members to a meeting
    ACCOUNTS_MANAGE = "accounts.manage"  # create, disable and link login accounts (系统管理员)
    SECURITY_MANAGE = "security.manage"  # identity controls, locked accounts (安全管理员)
    AUDIT_READ = "audit.read"  # read, export and verify the audit log (审计管理员)


class Scope(enum.Enum):
    OWN = "own"
    SUBTREE = "subtree"


OWN, SUBTREE = Scope.OWN, Scope.SUBTREE

GRANTS: dict[str, dict[Perm, Scope]] = {
    Role.ADMIN: {
        Perm.UNIT_READ: SUBTREE,
        Perm.UNIT_MANAGE: SUBTREE,
        Perm.UNIT_ADMIN: SUBTREE,
        Perm.MEETING_READ: OWN,
        Perm.MEETING_WRITE: OWN,
        Perm.MEETING_ASSIGN: OWN,
        Perm.ACCOUNTS_MANAGE: SUBTREE,
    },
    Role.PREPARER: {
        Perm.UNIT_READ: OWN,
        Perm.UNIT_MANAGE: OWN,
        Perm.MEETING_READ: OWN,
        Perm.MEETING_WRITE: OWN,
        Perm.MEETING_ASSIGN: OWN,
    },
    Role.PRINCIPAL: {Perm.UNIT_READ: OWN, Perm.MEETING_READ: OWN},
    Role.MEMBER: {Perm.UNIT_READ: OWN, Perm.MEETING_READ: OWN},
    # The superior's organization department watches everything below it.
    Role.SUPERIOR: {Perm.UNIT_READ: SUBTREE, Perm.MEETING_READ: SUBTREE, Perm.MEETING_ASSIGN: SUBTREE},
    # A 督导组 member reads only the meetings he is assigned to (see meetings.selectors).
    Role.SUPERVISOR: {Perm.UNIT_READ: OWN},
    # 三员分立: units, accounts and configurations; the identity controls; the audit log. No meeting.
    Role.SYSTEM_ADMIN: {
        Perm.UNIT_READ: SUBTREE,
        Perm.UNIT_MANAGE: SUBTREE,
        Perm.UNIT_ADMIN: SUBTREE,
        Perm.ACCOUNTS_MANAGE: SUBTREE,
    },
    Role.SECURITY_ADMIN: {Perm.UNIT_READ: SUBTREE, Perm.SECURITY_MANAGE: SUBTREE},
    Role.AUDIT_ADMIN: {Perm.UNIT_READ: SUBTREE, Perm.AUDIT_READ: SUBTREE},
}


@dataclass(frozen=True)
class Held:
    role: str
    organization_id: int
    path: str


@dataclass
class Access:
    user_id: int | None
    held: list[Held] = field(default_factory=list)

    def roles_in(self, organization_id: int) -> list[str]:
        return [h.role for h in self.held if h.organization_id == organization_id]

    def has_role(self, role: str) -> bool:
        return any(h.role == role for h in self.held)

    def _reach(self, perm: Perm) -> tuple[set[int], set[str]]:
        own: set[int] = set()
        subtrees: set[str] = set()
        for h in self.held:
            scope = GRANTS.get(h.role, {}).get(perm)
            if scope is OWN:
                own.add(h.organization_id)
            elif scope is SUBTREE:
                subtrees.add(h.path)
        return own, subtrees

    def org_q(self, perm: Perm, prefix: str = "") -> Q:
        """A filter on Organization (or, with prefix "organization__", on a model that has one)."""
        own, subtrees = self._reach(perm)
        q = Q(**{f"{prefix}id__in": sorted(own)})
        for path in sorted(subtrees):
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def can(self, perm: Perm, organization: Any) -> bool:
        own, subtrees = self._reach(perm)
        return organization.pk in own or any(organization.path.startswith(p) for p in subtrees)

    def can_anywhere(self, perm: Perm) -> bool:
        own, subtrees = self._reach(perm)
        return bool(own or subtrees)

    def account_refusal(self, *, units: list[Any], roles: set[str]) -> str | None:
        """Why this user may not change an account (None: he may). An account is changed only by whom
        ACCOUNTS_MANAGE reaches over every unit it belongs to; one of the three administrators' accounts
        only by a system administrator; nobody changes his own through these pages."""
        if not units or not all(self.can(Perm.ACCOUNTS_MANAGE, u) for u in units):
            return "该账号不在您管理的单位内"
        if roles & set(THREE_ADMINS) and not self.has_role(Role.SYSTEM_ADMIN):
            return "系统管理员、安全管理员、审计管理员的账号只能由系统管理员管理"
        return None

    def grant_refusal(self, role: str) -> str | None:
        if role in THREE_ADMINS and not self.has_role(Role.SYSTEM_ADMIN):
            return f"“{Role(role).label}”角色只能由系统管理员授予"
        return None


# Read on every request (lib/shapes.py: compiled once per process).
_ROLES = prepared_query(
    lambda user_id: Membership.objects.filter(user_id=user_id).values_list(
        "role", "organization_id", "organization__path"
    )
)


def access_for(user: Any) -> Access:
    """The user's roles, loaded once per request and kept on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(user_id=None)
    cached = getattr(user, "_mingjing_access", None)
    if cached is None:
        rows = _ROLES(user_id=user.pk)
        cached = Access(user_id=user.pk, held=[Held(role, org_id, path) for role, org_id, path in rows])
        user._mingjing_access = cached
    return cached


def access_from(user: Any, memberships: list[Any]) -> Access:
    """The user's roles from all his memberships (with their units) that a page has loaded anyway,
    kept as `access_for` keeps them: the roles are not read a second time in the request."""
    cached = getattr(user, "_mingjing_access", None)
    if cached is None:
        held = [Held(m.role, m.organization_id, m.organization.path) for m in memberships]
        cached = user._mingjing_access = Access(user_id=user.pk, held=held)
    return cached


def forget_access(user: Any) -> None:
    """Drop the cached roles after they change."""
    if hasattr(user, "_mingjing_access"):
        del user._mingjing_access
