"""Reads about talks, reached through the meeting the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from mingjing.accounts.policy import Ability
from mingjing.lib.memo import per_build
from mingjing.lib.pagination import search_q
from mingjing.meetings.dates import meeting_day
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import get_meeting_record_for_user, meeting_roster
from mingjing.talks.coverage import Coverage, Member, coverage, member_key, required_talks
from mingjing.talks.models import Counterpart, Talk


@per_build  # the archive box renders the talks record for the team and each member
def talks_of_meeting(*, meeting: Meeting) -> QuerySet[Talk]:
    return Talk.objects.filter(meeting=meeting).select_related("member", "other_member", "division", "branch")


def talk_keys_of_meeting(*, meeting: Meeting) -> list[Talk]:
    """Every talk of the meeting with only what coverage reads (the list shows a page of them)."""
    fields = ("meeting_id", "member_id", "other_member_id", "division_id", "branch_id", "counterpart_kind", "talk_date")
    return list(Talk.objects.filter(meeting=meeting).only(*fields))


def talk_filters(params: Any) -> dict[str, str]:
    """The talk list's filters: `member` (a roster entry id: his talks, either side) and `q` (words
    of the topics, the participants or the counterpart)."""
    member = params.get("member", "")
    return {"member": member if member.isdigit() else "", "q": params.get("q", "").strip()[:100]}


def filter_talks(talks: QuerySet[Talk], *, member: str = "", q: str = "") -> QuerySet[Talk]:
    if member:
        talks = talks.filter(Q(member_id=int(member)) | Q(other_member_id=int(member)))
    if q:
        talks = talks.filter(search_q(q, ["topics", "participants", "liaison_unit", "other_member__name"]))
    return talks.order_by("talk_date", "id")


def get_talk_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> Talk:
    return get_meeting_record_for_user(model=Talk, user=user, pk=pk, ability=ability, missing="没有找到该谈话记录")


def talk_key(talk: Talk) -> tuple | None:
    if talk.counterpart_kind == Counterpart.MEMBER and talk.other_member_id:
        return member_key(talk.member_id, talk.other_member_id)
    if talk.counterpart_kind == Counterpart.DIVISION_HEADS and talk.division_id:
        return ("division", talk.member_id, talk.division_id)
    if talk.counterpart_kind == Counterpart.BRANCH_REPS and talk.branch_id:
        return ("branch", talk.member_id, talk.branch_id)
    return None


def talk_coverage(*, meeting: Meeting, talks: list[Talk] | None = None) -> Coverage:
    """Required pairs from the year's talk rules and the frozen roster; done where a record dated
    before or on the meeting day exists."""
    roster = meeting_roster(meeting=meeting)
    members = [
        Member(
            entry_id=e.pk,
            name=e.name,
            is_principal=e.team_role == "principal",
            division_ids=tuple(d.pk for d in e.supervised_divisions.all()),
            branch_id=e.branch_id,
        )
        for e in roster
    ]
    division_names = {d.pk: d.name for e in roster for d in e.supervised_divisions.all()}
    branch_names = {e.branch_id: e.branch.name for e in roster if e.branch_id}
    required = required_talks(
        rules=meeting.config.talk_rules, members=members, division_names=division_names, branch_names=branch_names
    )
    talks = talks if talks is not None else list(talks_of_meeting(meeting=meeting))
    # Only a talk held before the meeting prepares it (one dated later, entered before dates were
    # checked or left behind when the meeting was moved earlier, does not count).
    day = meeting_day(meeting)
    return coverage(required, {k for k in map(talk_key, (t for t in talks if t.talk_date <= day)) if k})
