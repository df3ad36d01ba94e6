"""Who may do what in a meeting and its records: the one place that decides it.

`accounts.access` says which roles a user holds in which units (and how far each reaches); this
module turns that, the user's place in the meeting (his roster entry, a 督导组 assignment) and the
meeting's state (archived, an imported copy, held or not) into named abilities. Services call
`policy_for(user=actor, meeting=...).require(Ability.X, target)` before they write, so a page, the
CLI and the bundle import get one answer; selectors use `can` for reads; views and templates read
`policy.flags` (or `can`) and decide nothing themselves.

Roles in a meeting:
- staff: the unit's preparer or administrator (MEETING_WRITE on the unit) keeps the meeting's
  records (plan, studies, talks, campaigns, minutes, roster, steps, documents, the ledger);
- principal / member: on the frozen roster; each writes his own problems and outline, the
  principal drafts the team's material, approves outlines and verifies rectification;
- supervisor: a 督导组 member assigned to the meeting; superior: the organization department of a
  unit above. Both read everything, reply to the request, review materials and verify team items;
  the superior (like the staff) assigns and withdraws 督导组 members. Neither changes the unit's records.
- unit admin (UNIT_ADMIN on the unit): reopens an archived meeting, with a reason.

The frozen rule, once: an archived meeting, an imported copy and a cancelled meeting are read-only
for everyone. The ledger is the exception for an archived meeting (rectification runs all year
after it) but not for a copy or a cancelled meeting. The drafts rule: before the meeting is held
(its 召开民主生活会 step done), a member's problems and outline are read only by himself, the
principal, the staff and the supervisors.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import Role


class Ability(enum.StrEnum):
    READ = "read"  # the meeting, its counts and the team's records
    READ_DRAFTS = "read_drafts"  # (owner) a member's problems and outline; before the meeting, his drafts
    READ_EVERY_TARGET = "read_every_target"  # opinions about every member, every feedback sheet
    READ_FEEDBACK = "read_feedback"  # (owner) one member's feedback sheet
    OVERSEE_SOLICITATION = "oversee_solicitation"  # online responses per day, ballot codes issued and spent
    EDIT = "edit"  # the meeting's own records: plan, studies, talks, campaigns, minutes, roster, steps
    EDIT_FOR = "edit_for"  # (owner) problems, causes and measures of the team (owner None) or a member
    WRITE_MATERIAL = "write_material"  # (owner) the team's material or a member's outline
    SUBMIT_MATERIAL = "submit_material"  # (owner)
    APPROVE_MATERIAL = "approve_material"  # (owner)
    REVIEW = "review"  # reply to the request, comment on materials (督导组, superior)
    ASSIGN_SUPERVISORS = "assign_supervisors"
    LEDGER_READ_ALL = "ledger_read_all"
    LEDGER_READ_ITEM = "ledger_read_item"  # (item)
    LEDGER_DEFINE = "ledger_define"  # create items, edit what they say, carry over, notices
    LEDGER_MANAGE = "ledger_manage"  # delete items, settings
    LEDGER_UPDATE = "ledger_update"  # (item) progress, milestones, evidence, ask for closure
    LEDGER_IMPORT = "ledger_import"
    LEDGER_VERIFY = "ledger_verify"  # (item) verify a closure at the stage the item is in
    TAKE_OUT = "take_out"  # the bundle and the archive box
    ARCHIVE = "archive"
    REOPEN = "reopen"
    CANCEL_MEETING = "cancel_meeting"  # delete a meeting with no records, cancel one with records
    ADD_EXTRA_MEETING = "add_extra_meeting"  # a second 专题 meeting in the same year


ANY: Any = object()  # "no target given"

FROZEN_MESSAGE = "本次民主生活会材料已归档，只能查阅；如需修改，请单位管理员撤销归档"
COPY_MESSAGE = "这是从数据包导入的只读副本，不能修改"
ARCHIVED_MESSAGE = FROZEN_MESSAGE  # the name the selectors have always used
CANCELLED_MESSAGE = "本次民主生活会已取消，只能查阅"

# What is still allowed once a meeting is archived: reading, taking out, reopening, and the ledger.
LIVE_WHEN_ARCHIVED = {
    Ability.READ,
    Ability.READ_DRAFTS,
    Ability.READ_EVERY_TARGET,
    Ability.READ_FEEDBACK,
    Ability.OVERSEE_SOLICITATION,
    Ability.LEDGER_READ_ALL,
    Ability.LEDGER_READ_ITEM,
    Ability.LEDGER_DEFINE,
    Ability.LEDGER_MANAGE,
    Ability.LEDGER_UPDATE,
    Ability.LEDGER_IMPORT,
    Ability.LEDGER_VERIFY,
    Ability.TAKE_OUT,
    Ability.REOPEN,
}
# An imported copy only reads (and can be taken out again).
LIVE_WHEN_COPY = {
    Ability.READ,
    Ability.READ_DRAFTS,
    Ability.READ_EVERY_TARGET,
    Ability.READ_FEEDBACK,
    Ability.OVERSEE_SOLICITATION,
    Ability.LEDGER_READ_ALL,
    Ability.LEDGER_READ_ITEM,
    Ability.TAKE_OUT,
}
# A cancelled meeting is kept to be read, like a copy.
LIVE_WHEN_CANCELLED = LIVE_WHEN_COPY

MESSAGES: dict[Ability, str] = {
    Ability.READ: "您无权查看该民主生活会",
    Ability.READ_DRAFTS: "会前只有本人、主要负责同志、党务工作人员和督导组可以查看班子成员的查摆问题和发言提纲",
    Ability.READ_EVERY_TARGET: "只能查看对领导班子和对本人的意见建议",
    Ability.READ_FEEDBACK: "只能查看本人的意见建议反馈",
    Ability.OVERSEE_SOLICITATION: (
        "只有党务工作人员、督导组或上级组织部门可以查看网上匿名意见的逐日数量和填写码使用情况"
    ),
    Ability.EDIT: "只有本单位党务工作人员可以修改此记录",
    Ability.EDIT_FOR: "只有本人或党务工作人员可以修改此记录",
    Ability.WRITE_MATERIAL: "发言提纲只能由本人撰写，不得由他人代写",
    Ability.SUBMIT_MATERIAL: "只有材料的撰写人可以提交或撤回",
    Ability.APPROVE_MATERIAL: "您不是该材料的审核人",  # refined by APPROVER_MESSAGES
    Ability.REVIEW: "只有督导组或上级组织部门可以执行此操作",
    Ability.ASSIGN_SUPERVISORS: "只有本单位党务工作人员或上级组织部门可以指派督导组",
    Ability.LEDGER_READ_ALL: "只能查看本人的整改事项",
    Ability.LEDGER_READ_ITEM: "只能查看本人的整改事项",
    Ability.LEDGER_DEFINE: "只有主要负责同志或党务工作人员可以执行此操作",
    Ability.LEDGER_MANAGE: "只有党务工作人员可以执行此操作",
    Ability.LEDGER_UPDATE: "只有本人、主要负责同志或党务工作人员可以更新此整改事项",
    Ability.LEDGER_IMPORT: "您没有可以更新的整改事项",
    Ability.LEDGER_VERIFY: "您不是该事项此阶段的审核人",
    Ability.TAKE_OUT: "只有党务工作人员、单位管理员、督导组或上级组织部门可以下载归档包和数据包",
    Ability.ARCHIVE: "只有本单位党务工作人员可以归档",
    Ability.REOPEN: "只有单位管理员可以撤销归档",
    Ability.CANCEL_MEETING: "只有本单位党务工作人员可以删除或取消民主生活会",
    Ability.ADD_EXTRA_MEETING: "只有单位管理员可以在同一年度增开专题民主生活会",
}
TEAM_MATERIAL_WRITE_MESSAGE = "领导班子对照检查材料由主要负责同志（或党务工作人员协助）撰写"
APPROVER_MESSAGES = {True: "此材料由督导组（上级组织部门）审核", False: "班子成员的发言提纲由主要负责同志审核"}


def approved_by_reviewer(owner: Any) -> bool:
    """The team's material and the principal's own outline go to the 督导组; members' to the principal."""
    from mingjing.organizations.models import TeamRole

    return owner is None or owner.team_role == TeamRole.PRINCIPAL


# Apps whose rows stay writable after archiving (the ledger), for the save/delete guard.
LEDGER_APPS = {"rectification"}


def frozen_message(meeting: Any, ability: Ability) -> str:
    """Why nobody may do `ability` in this meeting now ('' when its state allows it)."""
    if getattr(meeting, "is_copy", False) and ability not in LIVE_WHEN_COPY:
        return COPY_MESSAGE
    if getattr(meeting, "cancelled_on", None) is not None and ability not in LIVE_WHEN_CANCELLED:
        return CANCELLED_MESSAGE
    if meeting.archived_on is not None and ability not in LIVE_WHEN_ARCHIVED:
        return FROZEN_MESSAGE
    return ""


def record_frozen_message(meeting: Any, app_label: str) -> str:
    """For the save/delete guard under every service: a row of `app_label` in this meeting."""
    return frozen_message(meeting, Ability.LEDGER_UPDATE if app_label in LEDGER_APPS else Ability.EDIT)


UNTARGETED = frozenset(Ability) - {
    Ability.READ_DRAFTS,
    Ability.READ_FEEDBACK,
    Ability.EDIT_FOR,
    Ability.WRITE_MATERIAL,
    Ability.SUBMIT_MATERIAL,
    Ability.APPROVE_MATERIAL,
    Ability.LEDGER_READ_ITEM,
    Ability.LEDGER_UPDATE,
    Ability.LEDGER_VERIFY,
}
UNTARGETED_VALUES = frozenset(a.value for a in UNTARGETED)


class Flags(Mapping):
    """`policy.flags`: the untargeted abilities by their value, each computed when first read."""

    def __init__(self, policy: MeetingPolicy) -> None:
        self._policy = policy
        self._known: dict[str, bool] = {}

    def __getitem__(self, key: str) -> bool:
        if key not in self._known:
            if key not in UNTARGETED_VALUES:
                raise KeyError(key)
            self._known[key] = self._policy.can(Ability(key))
        return self._known[key]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(UNTARGETED_VALUES))

    def __len__(self) -> int:
        return len(UNTARGETED_VALUES)


KNOWABLE_FACTS = frozenset({"supervisor", "entry", "person_id", "team_needs_review", "held"})


@dataclass
class MeetingPolicy:
    """What one user may do in one meeting. Built by `policy_for`; holds no decision of its own
    outside `can`."""

    meeting: Any
    user_id: int | None
    staff: bool  # the unit's preparer or administrator
    unit_admin: bool  # administrator of the unit or of a unit above it
    superior: bool  # the organization department of a unit above
    unit_reader: bool  # reads the unit's meetings through a role (not only through an assignment)

    def know(self, **facts: Any) -> None:
        """Facts a page or a list has read already (for one meeting or for many at once), given
        before the policy would look them up itself: `supervisor`, `entry`, `person_id`,
        `team_needs_review`, `held`. The rules read them the same way."""
        for name, value in facts.items():
            if name not in KNOWABLE_FACTS:
                raise TypeError(f"a policy does not look up {name!r}")
            self.__dict__.setdefault(name, value)

    # Looked up when a rule needs them, so a staff-only check costs no query.
    @cached_property
    def supervisor(self) -> bool:
        """A 督导组 member assigned to this meeting."""
        from mingjing.meetings.models import SupervisorAssignment

        return (
            self.user_id is not None
            and SupervisorAssignment.objects.filter(meeting=self.meeting, user_id=self.user_id).exists()
        )

    @cached_property
    def entry(self) -> Any:
        """His own line in the frozen roster, when he is on the team."""
        from mingjing.meetings.models import RosterEntry

        if self.user_id is None:
            return None
        return RosterEntry.objects.filter(meeting=self.meeting, person__user_id=self.user_id).first()

    @property
    def reader(self) -> bool:
        return self.unit_reader or self.supervisor

    @cached_property
    def person_id(self) -> int | None:
        """His person record: a responsible person of an item need not be on the team."""
        if self.entry is not None:
            return self.entry.person_id
        if self.user_id is None:
            return None
        from mingjing.organizations.models import Person

        return Person.objects.filter(user_id=self.user_id).values_list("pk", flat=True).first()

    # --- facts ---------------------------------------------------------------------------------

    @property
    def archived(self) -> bool:
        return self.meeting.archived_on is not None

    @property
    def copy(self) -> bool:
        return bool(getattr(self.meeting, "is_copy", False))

    @property
    def reviewer(self) -> bool:
        """督导组 assigned to the meeting, or the superior's organization department."""
        return self.superior or self.supervisor

    @property
    def is_principal(self) -> bool:
        from mingjing.organizations.models import TeamRole

        return self.entry is not None and self.entry.team_role == TeamRole.PRINCIPAL

    @cached_property
    def held(self) -> bool:
        """The meeting was held (its 召开民主生活会 step is done); uses prefetched completions."""
        cache = getattr(self.meeting, "_prefetched_objects_cache", {})
        if "step_completions" in cache:
            return any(c.step == "meeting" for c in cache["step_completions"])
        from mingjing.meetings.models import StepCompletion

        return StepCompletion.objects.filter(meeting=self.meeting, step="meeting").exists()

    def owns(self, owner: Any) -> bool:
        """A member's own record; `None` stands for the team's, which the principal owns."""
        if owner is None:
            return self.is_principal
        return self.entry is not None and self.entry.pk == owner.pk

    def is_mine(self, item: Any) -> bool:
        """A rectification item the user owns, leads or is responsible for."""
        entry = self.entry
        if entry is not None and entry.pk in (item.owner_id, item.responsible_leader_id):
            return True
        return self.person_id is not None and item.responsible_person_id == self.person_id

    def verify_stage(self, item: Any) -> str:
        """'principal', 'review' or '' — which verification this user may give the item now."""
        from mingjing.rectification.models import Status

        if item.status != Status.REQUESTED or (self.copy):
            return ""
        if item.principal_verified_at is None:
            return "principal" if self.is_principal else ""
        if item.owner_id is None and self.team_needs_review and self.reviewer:
            return "review"
        return ""

    @cached_property
    def team_needs_review(self) -> bool:
        from mingjing.rectification.models import RectificationSettings

        row = RectificationSettings.objects.filter(meeting=self.meeting).values_list("team_needs_review", flat=True)
        found = list(row)
        return found[0] if found else RectificationSettings._meta.get_field("team_needs_review").default

    # --- the rules -----------------------------------------------------------------------------

    def _allowed(self, ability: Ability, target: Any) -> bool:
        a = Ability

        def reads_all() -> bool:  # asked only by the rules that need it: EDIT costs no query
            return self.staff or self.reviewer or self.is_principal

        if ability is a.READ:
            return self.reader
        if ability is a.READ_DRAFTS:
            return self.reader and (target is None or reads_all() or self.owns(target) or self.held)
        if ability is a.READ_EVERY_TARGET or ability is a.LEDGER_READ_ALL:
            return reads_all()
        if ability is a.READ_FEEDBACK:
            return reads_all() or (target is not None and self.owns(target))
        if ability is a.OVERSEE_SOLICITATION:  # who watches that the preparer does not pad the responses
            return self.staff or self.reviewer
        if ability is a.EDIT:
            return self.staff
        if ability is a.EDIT_FOR:
            return self.staff or self.owns(target)
        if ability is a.WRITE_MATERIAL:
            return (self.owns(None) or self.staff) if target is None else self.owns(target)
        if ability is a.SUBMIT_MATERIAL:
            return self.owns(target)
        if ability is a.APPROVE_MATERIAL:
            return self.reviewer if approved_by_reviewer(target) else self.is_principal
        if ability is a.REVIEW:
            return self.reviewer
        if ability is a.ASSIGN_SUPERVISORS:
            return self.staff or self.superior
        if ability is a.LEDGER_READ_ITEM:
            return reads_all() or self.is_mine(target)
        if ability is a.LEDGER_DEFINE:
            return self.staff or self.is_principal
        if ability is a.LEDGER_MANAGE:
            return self.staff
        if ability is a.LEDGER_UPDATE:
            return self.staff or self.is_principal or self.is_mine(target)
        if ability is a.LEDGER_IMPORT:
            return self.staff or self.is_principal or self.entry is not None or self.person_id is not None
        if ability is a.LEDGER_VERIFY:
            return bool(self.verify_stage(target))
        if ability is a.TAKE_OUT:
            return self.staff or self.reviewer
        if ability is a.ARCHIVE:
            return self.staff and not self.archived
        if ability is a.REOPEN:
            return self.unit_admin and self.archived
        if ability is a.CANCEL_MEETING:
            return self.staff
        if ability is a.ADD_EXTRA_MEETING:
            return self.unit_admin
        raise ValueError(f"unknown ability {ability!r}")

    def _frozen_message(self, ability: Ability) -> str:
        return frozen_message(self.meeting, ability)

    def can(self, ability: Ability, target: Any = ANY) -> bool:
        if self._frozen_message(ability):
            return False
        return self._allowed(ability, None if target is ANY else target)

    def require(self, ability: Ability, target: Any = ANY) -> None:
        """Raise 403 with the Chinese reason: the frozen state first, then the role."""
        frozen = self._frozen_message(ability)
        if frozen:
            raise PermissionDenied(frozen)
        if not self._allowed(ability, None if target is ANY else target):
            message = MESSAGES[ability]
            if ability is Ability.WRITE_MATERIAL and target is None:
                message = TEAM_MATERIAL_WRITE_MESSAGE
            if ability is Ability.APPROVE_MATERIAL:
                message = APPROVER_MESSAGES[approved_by_reviewer(None if target is ANY else target)]
            raise PermissionDenied(message)

    @cached_property
    def flags(self) -> Flags:
        """Every ability that takes no target, for templates: `{% if policy.flags.edit %}`. Each is
        asked when first read, so a page pays only for the rules it shows."""
        return Flags(self)


def policy_for(*, user: Any, meeting: Any) -> MeetingPolicy:
    """The user's abilities in the meeting. Cached on the meeting object for the request (a
    service that changes roles or the roster reloads the meeting)."""
    cache: dict = meeting.__dict__.setdefault("_mingjing_policies", {})
    # The console (None) and an anonymous visitor (pk None) must never share an entry.
    key = "system" if user is None else ("user", getattr(user, "pk", None))
    if key in cache:
        return cache[key]
    org = meeting.organization
    if user is None:  # the system itself: the console (CLI) and internal syncs; the state still binds it
        policy = MeetingPolicy(
            meeting=meeting, user_id=None, staff=True, unit_admin=True, superior=False, unit_reader=True
        )
        cache[key] = policy
        return policy
    access = access_for(user)
    user_id = access.user_id
    superior = any(
        h.role == Role.SUPERIOR and h.organization_id != org.pk and org.path.startswith(h.path) for h in access.held
    )
    policy = MeetingPolicy(
        meeting=meeting,
        user_id=user_id,
        staff=access.can(Perm.MEETING_WRITE, org),
        # Reopening is a meeting matter: the unit's own administrator, not the 系统管理员 (三员分立).
        unit_admin=access.can(Perm.UNIT_ADMIN, org) and access.can(Perm.MEETING_READ, org),
        superior=superior,
        unit_reader=access.can(Perm.MEETING_READ, org),
    )
    cache[key] = policy
    return policy


def superior_only_q(user: Any) -> Q | None:
    """A filter on Meeting: the meetings in which the user's one relation is the superior's (as
    `policy_for` sets `superior`: a unit strictly below one where he holds the superior role, and
    no role of his own there, no 督导组 assignment, no roster line). There he only reads, follows
    the unit's lateness up, and acts when asked (a material to review, a closure to verify), so a
    page over thousands of such meetings need not build each one's policy. None for a user who is
    nobody's superior."""
    from mingjing.meetings.models import RosterEntry, SupervisorAssignment

    access = access_for(user)
    superior = [h for h in access.held if h.role == Role.SUPERIOR]
    if not superior:
        return None
    below = Q()
    for h in superior:
        below |= Q(organization__path__startswith=h.path) & ~Q(organization_id=h.organization_id)
    own_roles = [h.organization_id for h in access.held if h.role != Role.SUPERIOR]
    return (
        below
        & ~Q(organization_id__in=own_roles)
        & ~Q(pk__in=SupervisorAssignment.objects.filter(user_id=access.user_id).values("meeting_id"))
        & ~Q(pk__in=RosterEntry.objects.filter(person__user_id=access.user_id).values("meeting_id"))
    )


def forget_policies(meeting: Any) -> None:
    """Drop cached policies after the roster, the assignments or the meeting's state changed."""
    meeting.__dict__.pop("_mingjing_policies", None)


# --- the bundle import ------------------------------------------------------------------------------

LIVE, COPY = "live", "copy"


def bundle_import_mode(*, user: Any, unit: Any, existing: Any) -> str:
    """How `user` may import a bundle of a meeting of `unit` (the unit itself, or its nearest
    ancestor already in this deployment) when `existing` (the meeting with the bundle's uid here,
    or None) is there:

    - nobody imports over a meeting that lives here (not a copy): its history is this deployment's;
    - the superior's organization department imports a read-only copy, to read;
    - the unit's own administrator or preparer moves a meeting in (a live meeting), or refreshes a
      copy it had imported.
    Raise 403 with the reason otherwise."""
    if existing is not None and not existing.is_copy:
        raise PermissionDenied("本系统中已有该民主生活会的在用记录，不能用数据包覆盖")
    if user is None:  # the console: moves a meeting in, or refreshes a copy
        return LIVE if existing is None else COPY
    access = access_for(user)
    if unit is None:
        raise PermissionDenied("本系统中没有该单位或其上级单位，不能导入")
    own = access.can(Perm.UNIT_ADMIN, unit) or access.can(Perm.MEETING_WRITE, unit)
    above = any(h.role == Role.SUPERIOR and unit.path.startswith(h.path) for h in access.held)
    if own and existing is None and not above:
        return LIVE
    if above or own:
        return COPY
    raise PermissionDenied(f"您无权导入“{unit.name}”的会议数据包")


def may_import_bundles(*, user: Any) -> bool:
    """Shows the upload page: the roles that may import some bundle."""
    return any(h.role in (Role.ADMIN, Role.SUPERIOR, Role.PREPARER) for h in access_for(user).held)


# --- across meetings ---------------------------------------------------------------------------------


def reviewed_meetings_q(user: Any, prefix: str = "") -> Q:
    """A filter on Meeting (with `prefix`, on a model that has one) for the meetings the user reviews
    across units: those of units below one where he is the organization department (the `superior`
    of `policy_for`), and those he is assigned to as 督导组. What the materials' 查重 table lists."""
    from mingjing.meetings.models import SupervisorAssignment

    access = access_for(user)
    assigned = SupervisorAssignment.objects.filter(user_id=access.user_id).values("meeting_id")
    q = Q(**{f"{prefix}id__in": assigned}) if access.user_id else Q(**{f"{prefix}id__in": []})
    for h in access.held:
        if h.role == Role.SUPERIOR:
            q |= Q(**{f"{prefix}organization__path__startswith": h.path}) & ~Q(
                **{f"{prefix}organization_id": h.organization_id}
            )
    return q


def reviews_across_units(user: Any) -> bool:
    """Shows the cross-unit review pages (the materials' 查重 table): an organization department
    above some unit, or a 督导组 member with an assignment."""
    from mingjing.meetings.models import SupervisorAssignment

    access = access_for(user)
    if access.user_id is None:
        return False
    return access.has_role(Role.SUPERIOR) or SupervisorAssignment.objects.filter(user_id=access.user_id).exists()
