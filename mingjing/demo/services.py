"""The demo: a fictional 局 shaped like the one in seed 000, its superior with an organization
department and a 督导组, an unrelated unit, last year's meeting finished and this year's part-way
through.

It looks right on the day it is loaded: this year's meeting is held three weeks later, so its year
follows the day (loaded on 2026-11-02, the tests' day, it is the 2025年度 meeting and last year's
the 2024年度 one, held on 16 January 2025); the records' dates (requests, campaigns, deadlines) are
counted from the day too, so nothing is long overdue. A year without a shipped preset gets the
bureau's own copy of the latest one.

Idempotent: every record is looked up by its natural key first, so running it again (or after
a partial run, or on a later day) adds only what is missing. Writes go through the services, so
the demo's history pages read like real use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from mingjing.accounts.models import AccountSecurity, Membership, Role
from mingjing.accounts.services import membership_grant
from mingjing.demo.finished import load_finished_meeting
from mingjing.lib.dates import today
from mingjing.meetings.dates import meeting_date_window
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import (
    meeting_create,
    meeting_create_next,
    meeting_step_complete,
    meeting_step_sync,
    meeting_supervisor_assign,
)
from mingjing.meetings.timeline import STEPS
from mingjing.organizations.models import Division, Organization, OrgKind, PartyBranch, Person, TeamRole
from mingjing.organizations.services import branch_create, division_create, organization_create, person_create
from mingjing.yearconfigs.models import MeetingKind, YearConfig
from mingjing.yearconfigs.presets import sync_presets
from mingjing.yearconfigs.services import yearconfig_copy

DEMO_PASSWORD = "mingjing-demo"
LEAD = dt.timedelta(days=21)  # this year's meeting is held three weeks after the day the demo is loaded

SUPERIOR = {
    "name": "中共明远市委员会",
    "short_name": "明远市委",
    "kind": OrgKind.PARTY_COMMITTEE,
    "doc_number_prefix": "明委",
}
BUREAU = {
    "name": "中共明远市农业农村局党组",
    "short_name": "市农业农村局党组",
    "kind": OrgKind.PARTY_GROUP,
    "addressees": "市纪委监委、市委组织部",
    "doc_number_prefix": "明农党组",
}
OUTSIDER_UNIT = {
    "name": "中共明远市教育局党组",
    "short_name": "市教育局党组",
    "kind": OrgKind.PARTY_GROUP,
    "addressees": "市纪委监委、市委组织部",
    "doc_number_prefix": "明教党组",
}

DIVISIONS = ["办公室", "人事科", "计划财务科", "农村经济科", "种植业管理科", "畜牧兽医科", "农业综合执法支队"]
BRANCHES = ["机关第一党支部", "机关第二党支部", "执法支队党支部"]

# name, post, team role, precedence, supervised divisions, heads division, branch
PEOPLE = [
    ("张明", "局党组书记、局长", TeamRole.PRINCIPAL, 1, ["办公室", "人事科"], None, "机关第一党支部"),
    ("李华", "局党组成员、副局长", TeamRole.MEMBER, 2, ["计划财务科", "农村经济科"], None, "机关第一党支部"),
    ("王芳", "局党组成员、副局长", TeamRole.MEMBER, 3, ["种植业管理科", "畜牧兽医科"], None, "机关第二党支部"),
    ("赵强", "局党组成员、副局长", TeamRole.MEMBER, 4, ["农业综合执法支队"], None, "执法支队党支部"),
    ("孙丽", "办公室主任", TeamRole.NONE, 0, [], "办公室", "机关第一党支部"),
    ("周伟", "人事科科长", TeamRole.NONE, 0, [], "人事科", "机关第一党支部"),
    ("吴敏", "计划财务科科长", TeamRole.NONE, 0, [], "计划财务科", "机关第一党支部"),
    ("郑军", "农村经济科科长", TeamRole.NONE, 0, [], "农村经济科", "机关第二党支部"),
    ("冯霞", "种植业管理科科长", TeamRole.NONE, 0, [], "种植业管理科", "机关第二党支部"),
    ("何涛", "畜牧兽医科科长", TeamRole.NONE, 0, [], "畜牧兽医科", "机关第二党支部"),
    ("高翔", "农业综合执法支队支队长", TeamRole.NONE, 0, [], "农业综合执法支队", "执法支队党支部"),
    ("黄蕾", "办公室一级科员（党务）", TeamRole.NONE, 0, [], None, "机关第一党支部"),
    ("钱进", "机关第一党支部党员代表", TeamRole.NONE, 0, [], None, "机关第一党支部"),
    ("许婷", "机关第二党支部党员代表", TeamRole.NONE, 0, [], None, "机关第二党支部"),
    ("邓超", "执法支队党支部党员代表", TeamRole.NONE, 0, [], None, "执法支队党支部"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    unit: str
    role: str
    person: str | None  # the bureau person this account belongs to


ACCOUNTS = [
    DemoAccount("demo-admin", "林涛", "bureau", Role.ADMIN, None),
    DemoAccount("demo-preparer", "黄蕾", "bureau", Role.PREPARER, "黄蕾"),
    DemoAccount("demo-principal", "张明", "bureau", Role.PRINCIPAL, "张明"),
    DemoAccount("demo-member", "李华", "bureau", Role.MEMBER, "李华"),
    # The other two members write their own outlines too (an outline is never written for someone).
    DemoAccount("demo-wangfang", "王芳", "bureau", Role.MEMBER, "王芳"),
    DemoAccount("demo-zhaoqiang", "赵强", "bureau", Role.MEMBER, "赵强"),
    DemoAccount("demo-supervisor", "马骏", "superior", Role.SUPERVISOR, None),
    DemoAccount("demo-superior", "杜鹃", "superior", Role.SUPERIOR, None),
    DemoAccount("demo-outsider", "罗斌", "outsider", Role.PREPARER, None),
    # 三员分立: the deployment's three administrators, one account each, at the top unit.
    DemoAccount("demo-sysadmin", "钟毅", "superior", Role.SYSTEM_ADMIN, None),
    DemoAccount("demo-secadmin", "秦岚", "superior", Role.SECURITY_ADMIN, None),
    DemoAccount("demo-auditor", "顾远", "superior", Role.AUDIT_ADMIN, None),
]


def _unit(spec: dict, parent: Organization | None) -> Organization:
    existing = Organization.objects.filter(name=spec["name"]).first()
    return existing or organization_create(actor=None, parent=parent, **spec)


def _user(account: DemoAccount):
    User = get_user_model()
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = User(username=account.username, first_name=account.name)
        user.set_password(DEMO_PASSWORD)
        user.save()
    # The documented password stays: a demo account is never made to change it, nor does it expire.
    AccountSecurity.objects.update_or_create(user=user, defaults={"is_demo": True})
    return user


@transaction.atomic
def load_demo(*, on: dt.date | None = None) -> Meeting:
    """Load (or complete) the demo; returns the 2025年度 meeting."""
    on = on or today()
    sync_presets()
    superior = _unit(SUPERIOR, None)
    units = {"superior": superior, "bureau": _unit(BUREAU, superior), "outsider": _unit(OUTSIDER_UNIT, superior)}
    bureau = units["bureau"]
    for division in ["市委组织部", "市纪委监委"]:
        if not Division.objects.filter(organization=superior, name=division).exists():
            division_create(actor=None, organization=superior, name=division)
    for i, name in enumerate(DIVISIONS):
        if not Division.objects.filter(organization=bureau, name=name).exists():
            division_create(actor=None, organization=bureau, name=name, order=i)
    for i, name in enumerate(BRANCHES):
        if not PartyBranch.objects.filter(organization=bureau, name=name).exists():
            branch_create(actor=None, organization=bureau, name=name, order=i)
    divisions = {d.name: d for d in Division.objects.filter(organization=bureau)}
    branches = {b.name: b for b in PartyBranch.objects.filter(organization=bureau)}
    for name, post, role, precedence, supervised, heads, branch in PEOPLE:
        if not Person.objects.filter(organization=bureau, name=name).exists():
            person_create(
                actor=None,
                organization=bureau,
                name=name,
                post=post,
                team_role=role,
                precedence=precedence,
                supervised_divisions=[divisions[d] for d in supervised],
                heads_division=divisions.get(heads) if heads else None,
                branch=branches[branch],
            )

    users = {}
    for account in ACCOUNTS:
        user = users[account.username] = _user(account)
        unit = units[account.unit]
        if not Membership.objects.filter(user=user, organization=unit, role=account.role).exists():
            membership_grant(actor=None, organization=unit, user=user, role=account.role)
        if account.person:
            Person.objects.filter(organization=bureau, name=account.person, user__isnull=True).update(user=user)
    # The outsider's unit has a small team of its own, so its pages are not empty.
    if not Person.objects.filter(organization=units["outsider"]).exists():
        person_create(actor=None, organization=units["outsider"], name="罗斌", post="办公室副主任")
        person_create(
            actor=None,
            organization=units["outsider"],
            name="陶然",
            post="局党组书记、局长",
            team_role=TeamRole.PRINCIPAL,
            precedence=1,
        )

    preparer = users["demo-preparer"]
    preparer.refresh_from_db()
    meeting = _current_meeting(bureau)  # loaded before (on another day, perhaps): completed, not moved
    if meeting is None:
        year = demo_year(on)
        last_year = _last_meeting(bureau, preparer, _config(year - 1, bureau))
        meeting = _this_meeting(bureau, last_year, preparer, users["demo-supervisor"], on, _config(year, bureau))
    _app_demo_records(meeting=meeting, actor=preparer, on=on)
    load_finished_meeting(meeting=meeting.previous, actor=preparer)
    _steps_last_year(meeting.previous, preparer)
    return meeting


def demo_year(on: dt.date) -> int:
    """The year of the meeting held three weeks after `on`: a year's 民主生活会 is held at the turn
    of the year or in the next one, so it is the year before the meeting day's."""
    return (on + LEAD).year - 1


def _config(year: int, bureau: Organization) -> YearConfig:
    """The year's shipped annual preset, or the bureau's own copy of the latest preset before it."""
    preset = YearConfig.objects.filter(preset_code=f"{year}-annual").first()
    own = YearConfig.objects.filter(organization=bureau, year=year, kind=MeetingKind.ANNUAL).order_by("id").first()
    if preset or own:
        return preset or own
    annual = YearConfig.objects.filter(preset_code__endswith="-annual")
    source = annual.filter(year__lt=year).order_by("-year").first() or annual.order_by("year").first()
    return yearconfig_copy(actor=None, source=source, organization=bureau, year=year, name=f"{year}年度民主生活会")


def _current_meeting(bureau: Organization) -> Meeting | None:
    """The demo's meeting of this year, when the demo was loaded before: the bureau's latest annual
    meeting that follows another."""
    return (
        Meeting.objects.filter(organization=bureau, kind=MeetingKind.ANNUAL, previous__isnull=False)
        .order_by("-config__year", "-id")
        .first()
    )


def _app_demo_records(*, meeting: Meeting, actor, on: dt.date) -> None:
    """Each domain app may add its records to the demo in `<app>/demo.py`:
    `load_demo_records(*, meeting, actor, on)`, idempotent, called in INSTALLED_APPS order so an
    app can build on the records of the apps listed before it."""
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name.startswith("mingjing.") and find_spec(module_name) is not None:
            import_module(module_name).load_demo_records(meeting=meeting, actor=actor, on=on)


def _last_meeting(bureau: Organization, actor, config: YearConfig) -> Meeting:
    meeting = Meeting.objects.filter(organization=bureau, config=config).first()
    if meeting:
        return meeting
    held = dt.date(config.year + 1, 1, 16)  # at the turn of the year, as most are
    meeting = meeting_create(
        actor=actor,
        organization=bureau,
        config=config,
        planned_date=held,
        half_day="am",
        place="局机关三楼会议室",
        entered_after=True,
    )
    return meeting


def _steps_last_year(meeting: Meeting, actor) -> None:
    """Last year's records are mostly not in the demo: its steps stand as done outside it, set the
    way records set them (after the apps' demo records, which would take back what they do not
    complete); it was not boxed here, so it has no archive step."""
    held = meeting.planned_date
    done = set(meeting.step_completions.values_list("step", flat=True))
    for step in STEPS:
        if step.key == "archive" or step.key in done:
            continue
        offset = {
            "plan_request": -20,
            "study": -10,
            "solicitation": -12,
            "talks": -5,
            "problems": -4,
            "examination": -3,
            "meeting": 0,
        }.get(step.key, 10)
        on = held + dt.timedelta(offset)
        if step.manual:
            meeting_step_complete(actor=actor, meeting=meeting, step=step.key, completed_on=on)
        else:
            meeting_step_sync(meeting=meeting, step=step.key, done_on=on, note="（上年度记录未录入演示）")


def _this_meeting(
    bureau: Organization, previous: Meeting, actor, supervisor, on: dt.date, config: YearConfig
) -> Meeting:
    meeting = Meeting.objects.filter(organization=bureau, config=config).first()
    if meeting:
        return meeting
    # Three weeks ahead (demo_year chose the year whose window holds that day; the bound only
    # guards a config chosen otherwise).
    planned = min(on + LEAD, meeting_date_window(config)[1])
    meeting = meeting_create_next(
        actor=actor, previous=previous, config=config, planned_date=planned, half_day="pm", place="局机关三楼会议室"
    )
    meeting_supervisor_assign(actor=actor, meeting=meeting, user=supervisor, title="市委第三督导组组长")
    return meeting
