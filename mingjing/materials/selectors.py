"""Reads about materials. Who may do what with one is the policy's (`mingjing.accounts.policy`):

- everyone who may read the meeting reads the team's material, its versions and review history;
  a member's outline is his draft until the meeting is held (Ability.READ_DRAFTS): he, the
  principal (who approves it), the preparer/admin and the 督导组 read it before, everyone who reads
  the meeting after (outlines are read out at the meeting);
- the team's material is written by the principal; the preparer/admin may also write it as the
  principal's staff — every version records who saved it; only the principal submits it
  (Ability.WRITE_MATERIAL, SUBMIT_MATERIAL);
- a member's outline is written and submitted only by the member himself: nobody writes it
  for him (the preparer and the principal read it, never write it);
- the principal approves or returns members' outlines; the team's material and the principal's
  own outline go to the 督导组, who approves or returns them (Ability.APPROVE_MATERIAL);
- the 督导组 comments on (reviews) any submitted or approved material and may return it
  (Ability.REVIEW);
- after the meeting (its 召开民主生活会 step done) the owner revises an approved material: a new
  version, the approved one kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.lib.dates import today
from mingjing.lib.memo import per_build
from mingjing.materials.models import (
    EDITABLE,
    Kind,
    Material,
    MaterialVersion,
    ReviewEvent,
    Status,
    UploadedFile,
)
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.organizations.models import team_rank


def owner_for_slot(*, meeting: Meeting, slot: str) -> RosterEntry | None:
    """ "team" → None (the team's material); a roster entry id of this meeting → that entry."""
    if slot == "team":
        return None
    if not slot.isdigit():
        raise Http404("没有找到该材料")
    entry = RosterEntry.objects.filter(meeting=meeting, pk=int(slot)).first()
    if entry is None:
        raise Http404("没有找到该班子成员")
    return entry


def material_of(*, meeting: Meeting, owner: RosterEntry | None) -> Material | None:
    return Material.objects.filter(meeting=meeting, owner=owner).select_related("owner", "last_saved_by").first()


def blank_material(*, meeting: Meeting, owner: RosterEntry | None) -> Material:
    """An unsaved material for an owner who has not written anything yet."""
    return Material(meeting=meeting, owner=owner, kind=Kind.TEAM if owner is None else Kind.OUTLINE)


@dataclass(frozen=True)
class Opened:
    meeting: Meeting
    owner: RosterEntry | None
    material: Material  # unsaved (pk None) when nothing has been written yet
    policy: MeetingPolicy


def material_title(material: Material, meeting: Meeting) -> str:
    """The material's heading on the pages: the team's is named as the year's configuration names it
    (领导班子对照检查材料 or 领导班子检视剖析材料)."""
    if material.owner_id is None:
        return f"领导班子{meeting.config.get_material_name_display()}"
    return str(material)


def open_material_for_user(*, user: Any, meeting_id: int, slot: str) -> Opened:
    """The material of one owner in a meeting the user may read (404 outside it), with its
    versions and history: 403 for a member's outline he may not read yet (his draft)."""
    meeting = get_meeting_for_user(user=user, pk=meeting_id)
    owner = owner_for_slot(meeting=meeting, slot=slot)
    policy = policy_for(user=user, meeting=meeting)
    policy.require(Ability.READ_DRAFTS, owner)
    material = material_of(meeting=meeting, owner=owner) or blank_material(meeting=meeting, owner=owner)
    if owner is not None:
        material.owner = owner
    material.meeting = meeting
    return Opened(meeting=meeting, owner=owner, material=material, policy=policy)


def meeting_held_on(meeting: Meeting, *, fresh: bool = False) -> dt.date | None:
    """The day the meeting was held: its 召开民主生活会 step, once done — from the completions the
    meeting was fetched with, when it was, unless `fresh` (a service deciding a write reads the row)."""
    cache = getattr(meeting, "_prefetched_objects_cache", {})
    if "step_completions" in cache and not fresh:
        return next((c.completed_on for c in cache["step_completions"] if c.step == "meeting"), None)
    return StepCompletion.objects.filter(meeting=meeting, step="meeting").values_list("completed_on", flat=True).first()


def edit_lock_reason(material: Material, *, held_on: dt.date | None, on: dt.date | None = None) -> str:
    """Why the text cannot be changed now ('' when it can). Owner rights are checked separately."""
    if material.status in EDITABLE or material.status == Status.REVISED:
        return ""
    if material.status == Status.SUBMITTED:
        return "材料已提交审核，审核人退回后才能修改（如需修改，可先撤回）"
    if held_on is not None and (on or today()) >= held_on:
        return ""
    return "材料已审核通过，民主生活会召开后方可根据点评修改"


def in_revision(material: Material, *, held_on: dt.date | None, on: dt.date | None = None) -> bool:
    """A save now is a revision after the meeting (new version, the approved one kept)."""
    return (
        material.status in (Status.APPROVED, Status.REVIEWED, Status.REVISED)
        and held_on is not None
        and ((on or today()) >= held_on)
    )


# --- lists and pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    owner: RosterEntry | None
    material: Material | None
    readable: bool = True  # the reader may open it (a member's outline before the meeting: READ_DRAFTS)

    @property
    def label(self) -> str:
        return "领导班子对照检查材料" if self.owner is None else f"{self.owner.name}（{self.owner.post}）"

    @property
    def slot(self) -> str:
        return "team" if self.owner is None else str(self.owner.pk)

    @property
    def status_label(self) -> str:
        return self.material.get_status_display() if self.material else "尚未撰写"

    @property
    def status(self) -> str:
        return self.material.status if self.material else "none"


def material_rows(*, meeting: Meeting, policy: MeetingPolicy | None = None) -> list[Row]:
    """The team's material, then one row per roster member (roster order): a fixed number of queries.
    With a reader's policy each row says whether he may open it."""

    def readable(owner: RosterEntry | None) -> bool:
        return policy is None or policy.can(Ability.READ_DRAFTS, owner)

    materials = {
        m.owner_id: m for m in Material.objects.filter(meeting=meeting).select_related("last_saved_by__person")
    }
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by(team_rank(), "precedence", "id"))
    rows = [Row(owner=None, material=materials.get(None), readable=readable(None))]
    return rows + [Row(owner=e, material=materials.get(e.pk), readable=readable(e)) for e in roster]


def versions_of(material: Material) -> list[MaterialVersion]:
    if material.pk is None:
        return []
    return list(
        MaterialVersion.objects.filter(material=material)
        .select_related("upload")
        .defer("text", "upload__extracted_text")
        .order_by("-number")
    )


def version_of(material: Material, number: int) -> MaterialVersion:
    version = (
        MaterialVersion.objects.filter(material=material, number=number).select_related("upload").first()
        if material.pk
        else None
    )
    if version is None:
        raise Http404(f"没有找到第{number}版")
    return version


def current_version_of(material: Material) -> MaterialVersion | None:
    """The accepted version (not a conflict copy), whole."""
    if material.pk is None or not material.current_version:
        return None
    return MaterialVersion.objects.filter(material=material, number=material.current_version).first()


def current_text(material: Material) -> str:
    """The accepted text (not a conflict copy): what the editor shows and documents print."""
    if material.pk is None or not material.current_version:
        return ""
    return (
        MaterialVersion.objects.filter(material=material, number=material.current_version)
        .values_list("text", flat=True)
        .first()
        or ""
    )


def review_events_of(material: Material) -> list[ReviewEvent]:
    if material.pk is None:
        return []
    return list(ReviewEvent.objects.filter(material=material).order_by("-created_at", "-id"))


def get_file_for_user(*, user: Any, pk: Any) -> UploadedFile:
    """An uploaded file of a material in a meeting the user may read (404 otherwise); 403 for a
    member's outline he may not read yet (his draft)."""
    from mingjing.meetings.selectors import meetings_for_user

    upload = (
        UploadedFile.objects.filter(material__meeting__in=meetings_for_user(user=user))
        .select_related("material__meeting__organization", "material__owner")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if upload is None:
        raise Http404("没有找到该文件")
    material = upload.material
    policy_for(user=user, meeting=material.meeting).require(Ability.READ_DRAFTS, material.owner)
    return upload


def materials_of_meeting(*, meeting: Meeting) -> list[Material]:
    """For documents: every material of the meeting with its owner (current text via current_text)."""
    return list(
        Material.objects.filter(meeting=meeting)
        .select_related("owner")
        .prefetch_related(Prefetch("review_events", queryset=ReviewEvent.objects.order_by("created_at", "id")))
    )


@dataclass(frozen=True)
class Approval:
    """One approval or review of a material as the report states it: the body and the day."""

    body: str
    on: dt.date | None


@dataclass(frozen=True)
class ReviewFacts:
    team_approved: Approval | None  # the team's material approved (局党组会议 / 督导组)
    team_reviewed: Approval | None  # the team's material reviewed by the 督导组 / superior
    outline_reviewers: list[str]  # the bodies that approved the members' outlines
    revised: int  # materials revised after the meeting
    materials: int  # materials written


def _approval(event: ReviewEvent | None) -> Approval | None:
    if event is None:
        return None
    body = event.body.strip() or event.actor_name.strip()
    return Approval(body=body, on=event.happened_on or event.created_at.date()) if body else None


@per_build  # the 情况报告 states the approvals and, further on, the revised count
def review_facts(*, meeting: Meeting) -> ReviewFacts:
    """Who approved and reviewed the materials and when, for the 情况报告 (two queries of plain
    columns). An approval later undone (the material returned since) does not count."""
    materials = list(Material.objects.filter(meeting=meeting).values_list("id", "owner_id", "status"))
    events = list(
        ReviewEvent.objects.filter(material__meeting=meeting, action__in=("approve", "review")).order_by(
            "created_at", "id"
        )
    )
    team = next((m for m in materials if m[1] is None), None)
    approved_states = {Status.APPROVED, Status.REVIEWED, Status.REVISED}

    def last(action: str, material_ids: set[int]) -> list[ReviewEvent]:
        return [e for e in events if e.action == action and e.material_id in material_ids]

    team_ids = {team[0]} if team is not None and team[2] in approved_states else set()
    team_approved = (last("approve", team_ids) or [None])[-1]
    team_reviewed = (last("review", {team[0]} if team else set()) or [None])[-1]
    outline_ids = {pk for pk, owner_id, status in materials if owner_id is not None and status in approved_states}
    reviewers: list[str] = []
    for event in last("approve", outline_ids):
        body = event.body.strip()
        if body and body not in reviewers:
            reviewers.append(body)
    return ReviewFacts(
        team_approved=_approval(team_approved) if team_approved and team_approved.body.strip() else None,
        team_reviewed=_approval(team_reviewed) if team_reviewed and team_reviewed.body.strip() else None,
        outline_reviewers=reviewers,
        revised=sum(1 for _, _, status in materials if status == Status.REVISED),
        materials=len(materials),
    )
