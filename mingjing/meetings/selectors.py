"""Reads about meetings, always within what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import Membership, Role
from mingjing.accounts.selectors import get_scoped, require
from mingjing.audit.services import actor_display_name
from mingjing.lib.dates import today
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion, SupervisorAssignment
from mingjing.meetings.timeline import StepView, build_timeline, current_step
from mingjing.organizations.models import Division, TeamRole, team_rank


def meetings_for_user(*, user: Any) -> QuerySet[Meeting]:
    access = access_for(user)
    assigned = SupervisorAssignment.objects.filter(user_id=access.user_id).values("meeting_id")
    return (
        Meeting.objects.filter(access.org_q(Perm.MEETING_READ, "organization__") | Q(id__in=assigned))
        .select_related("organization", "config")
        .prefetch_related(Prefetch("step_completions", queryset=StepCompletion.objects.only("meeting_id", "step")))
    )


def get_meeting_for_user(*, user: Any, pk: Any, perm: Perm = Perm.MEETING_READ) -> Meeting:
    """404 when the meeting is outside the user's reach; 403 when he may read but not `perm`."""
    meeting = get_scoped(meetings_for_user(user=user), pk, missing="没有找到该民主生活会")
    if perm is not Perm.MEETING_READ:
        require(user, perm, meeting.organization)
        require_not_archived(meeting)
    return meeting


def require_not_archived(meeting: Meeting) -> None:
    if meeting.archived_on is not None:
        raise PermissionDenied(ARCHIVED_MESSAGE)


ARCHIVED_MESSAGE = "本次民主生活会材料已归档，只能查阅；如需修改，请单位管理员撤销归档"


def get_meeting_record_for_user(
    *,
    model: type,
    user: Any,
    pk: Any,
    perm: Perm = Perm.MEETING_READ,
    missing: str = "没有找到该记录",
    via: str = "",
    related: tuple[str, ...] = (),
) -> Any:
    """A record that belongs to a meeting (a talk, a study session …), reached only through a
    meeting the user may see: 404 outside it, 403 when he may read but not `perm` (or when the
    meeting is archived). `via` names the record's parent when the meeting is one hop further
    ("campaign" for an opinion, "plan" for a plan task); `related` adds select_related fields."""
    prefix = f"{via}__" if via else ""
    qs = model.objects.filter(**{f"{prefix}meeting__in": meetings_for_user(user=user)}).select_related(
        *([via] if via else []),
        f"{prefix}meeting",
        f"{prefix}meeting__organization",
        f"{prefix}meeting__config",
        *related,
    )
    record = get_scoped(qs, pk, missing=missing)
    if perm is not Perm.MEETING_READ:
        meeting = getattr(record, via).meeting if via else record.meeting
        require(user, perm, meeting.organization)
        require_not_archived(meeting)
    return record


@dataclass(frozen=True)
class MeetingAccess:
    """What one user may do in one meeting, beyond reading it.

    - write: the unit's preparer or administrator (MEETING_WRITE) keeps every record;
    - review: a 督导组 member assigned to the meeting, or the superior's organization department
      above the unit, replies to the request and reviews the team's material;
    - entry: the user's own line in the frozen roster, when he is on the team; a member writes his
      own problems and outline, the principal drafts the team's material and approves outlines.
    """

    meeting: Meeting
    writer: bool  # holds MEETING_WRITE on the unit
    reviewer: bool  # assigned 督导组, or the superior's organization department above the unit
    entry: RosterEntry | None
    archived: bool = False  # an archived meeting is read-only for everyone

    @property
    def write(self) -> bool:
        return self.writer and not self.archived

    @property
    def review(self) -> bool:
        return self.reviewer and not self.archived

    @property
    def is_principal(self) -> bool:
        return self.entry is not None and self.entry.team_role == TeamRole.PRINCIPAL

    def owns(self, entry: RosterEntry | None) -> bool:
        """A member's own record; `None` stands for the team's record, which the principal owns."""
        if entry is None:
            return self.is_principal
        return self.entry is not None and self.entry.pk == entry.pk

    def can_edit_for(self, entry: RosterEntry | None) -> bool:
        return not self.archived and (self.write or self.owns(entry))

    def _require(self, allowed: bool, message: str) -> None:
        if self.archived:
            raise PermissionDenied(ARCHIVED_MESSAGE)
        if not allowed:
            raise PermissionDenied(message)

    def require_edit_for(self, entry: RosterEntry | None) -> None:
        self._require(self.can_edit_for(entry), "只有本人或党务工作人员可以修改此记录")

    def require_write(self) -> None:
        self._require(self.write, "您没有执行此操作的权限")

    def require_review(self) -> None:
        self._require(self.review, "只有督导组或上级组织部门可以执行此操作")

    def require_principal(self) -> None:
        self._require(self.is_principal, "只有主要负责同志可以执行此操作")


def meeting_access(*, user: Any, meeting: Meeting) -> MeetingAccess:
    """For a meeting already reached through get_meeting_for_user (so the user may read it)."""
    access = access_for(user)
    path = meeting.organization.path
    above = any(
        h.role == Role.SUPERIOR and h.organization_id != meeting.organization_id and path.startswith(h.path)
        for h in access.held
    )
    assigned = (
        access.user_id is not None
        and SupervisorAssignment.objects.filter(meeting=meeting, user_id=access.user_id).exists()
    )
    entry = (
        RosterEntry.objects.filter(meeting=meeting, person__user_id=access.user_id).first()
        if access.user_id is not None
        else None
    )
    archived = meeting.archived_on is not None
    return MeetingAccess(
        meeting=meeting,
        writer=access.can(Perm.MEETING_WRITE, meeting.organization),
        reviewer=above or assigned,
        entry=entry,
        archived=archived,
    )


def meeting_current_step_label(meeting: Meeting) -> str:
    """Uses the prefetched completions: no query per row in lists."""
    step = current_step(c.step for c in meeting.step_completions.all())
    return step.label if step else "已全部完成"


def meeting_roster(*, meeting: Meeting) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.filter(meeting=meeting)
        .select_related("branch", "person")
        .prefetch_related(Prefetch("supervised_divisions", queryset=Division.objects.order_by("order", "id")))
        .order_by(team_rank(), "precedence", "id")
    )


def meeting_timeline(*, meeting: Meeting, on: dt.date | None = None) -> list[StepView]:
    rows = StepCompletion.objects.filter(meeting=meeting).values_list("step", "completed_on", "note")
    completed = {step: on for step, on, _ in rows}
    notes = {step: note for step, _, note in rows}
    roster = list(RosterEntry.objects.filter(meeting=meeting).values_list("team_role", "name"))
    responsible: dict[str, list[str]] = {
        Role.PRINCIPAL: [name for role, name in roster if role == TeamRole.PRINCIPAL],
        Role.MEMBER: [name for role, name in roster if role == TeamRole.MEMBER],
        Role.PREPARER: [
            actor_display_name(m.user)
            for m in Membership.objects.filter(organization_id=meeting.organization_id, role=Role.PREPARER)
            .select_related("user", "user__person")
            .order_by("id")
        ],
    }
    return build_timeline(
        planned_date=meeting.planned_date,
        config=meeting.config,
        completed=completed,
        responsible=responsible,
        today=on or today(),
        notes=notes,
    )


def meeting_supervisors(*, meeting: Meeting) -> QuerySet[SupervisorAssignment]:
    return SupervisorAssignment.objects.filter(meeting=meeting).select_related("user", "user__person")


def assignable_supervisors(*, meeting: Meeting) -> QuerySet[Membership]:
    """督导组 members of the units above the meeting's unit."""
    return (
        Membership.objects.filter(role=Role.SUPERVISOR, organization_id__in=meeting.organization.ancestor_ids)
        .exclude(user__supervised_meetings__meeting=meeting)
        .select_related("user", "user__person", "organization")
        .order_by("organization__path", "user__username")
    )
