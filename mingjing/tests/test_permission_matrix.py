"""Every URL of the project × every persona (and an anonymous visitor) → the expected status.

The expectations live in one table, MATRIX here for the foundation's URLs plus each domain app's
`tests/permissions.py` (see mingjing/tests/matrix.py), read against mingjing/accounts/access.py. The test
walks the URL resolver: a URL that is missing from the table fails the suite (so a new URL must be
added here), and so does a row for a URL that no longer exists.

Each request runs in its own savepoint that is rolled back, so a POST that succeeds (302) changes
nothing for the next request.
"""

from __future__ import annotations

import re
from importlib import import_module
from importlib.util import find_spec
from urllib.parse import urlencode

from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mingjing.accounts.models import Membership, Role
from mingjing.accounts.services import membership_grant
from mingjing.meetings.models import Meeting, SupervisorAssignment
from mingjing.meetings.services import meeting_create
from mingjing.organizations.models import Division, PartyBranch, Person
from mingjing.organizations.services import branch_create, division_create
from mingjing.test import ADMINS, BaseTestCase
from mingjing.tests import admin_matrix
from mingjing.tests.matrix import (
    ANON,
    BUREAU_ADMIN,
    BUREAU_MANAGE,
    BUREAU_MANAGE_POST,
    BUREAU_READ,
    COLUMNS,
    CONFIG_ADMIN_ONLY,
    EVERYONE,
    GET,
    LOGIN_URL,
    MEETING_ASSIGN_POST,
    MEETING_WRITE,
    MEETING_WRITE_POST,
    OTHER_MANAGE,
    OTHER_MANAGE_POST,
    OTHER_READ,
    POST,
    Case,
)
from mingjing.yearconfigs.models import YearConfig
from mingjing.yearconfigs.services import yearconfig_copy

STEP_DONE = {"step": "solicitation", "completed_on": "2026-11-02"}

MATRIX: dict[str, list[Case]] = {
    "home": [GET(EVERYONE)],
    "login": [GET((302, 302, 302, 302, 302, 302, 302, 200), "signed-in users go home")],
    "logout": [POST((302, 302, 302, 302, 302, 302, 302, 302))],
    # --- accounts -------------------------------------------------------------------------------
    "accounts:unit_roles": [
        GET(BUREAU_ADMIN, unit_id="bureau"),
        GET((404, 404, 404, 404, 404, 403, 403, 302), unit_id="outsider_unit"),
    ],
    # Memberships are listed to unit administrators only, so for anyone else one is not found.
    "accounts:role_revoke": [
        POST((302, 404, 404, 404, 404, 404, 404, 302), membership_id="member_membership"),
        POST((404, 404, 404, 404, 404, 404, 404, 302), membership_id="outsider_membership"),
    ],
    # --- organizations --------------------------------------------------------------------------
    "organizations:list": [GET(EVERYONE)],
    "organizations:detail": [
        GET(BUREAU_READ, unit_id="bureau"),
        GET(OTHER_READ, unit_id="outsider_unit"),
        GET((404, 404, 404, 404, 200, 200, 404, 302), unit_id="superior_unit"),
        GET((404, 404, 404, 404, 404, 404, 404, 302), "no such unit", unit_id="missing"),
    ],
    "organizations:edit": [
        GET(BUREAU_ADMIN, unit_id="bureau"),
        GET((404, 404, 404, 404, 404, 403, 403, 302), unit_id="outsider_unit"),
    ],
    "organizations:create_child": [
        GET(BUREAU_ADMIN, unit_id="bureau"),
        GET((404, 404, 404, 404, 404, 403, 403, 302), unit_id="outsider_unit"),
    ],
    "organizations:division_add": [
        POST(BUREAU_MANAGE_POST, data={"division-name": "新设科室", "division-order": "9"}, unit_id="bureau"),
        POST(OTHER_MANAGE_POST, data={"division-name": "新设科室", "division-order": "9"}, unit_id="outsider_unit"),
    ],
    "organizations:branch_add": [
        POST(BUREAU_MANAGE_POST, data={"branch-name": "新设党支部", "branch-order": "9"}, unit_id="bureau"),
        POST(OTHER_MANAGE_POST, data={"branch-name": "新设党支部", "branch-order": "9"}, unit_id="outsider_unit"),
    ],
    "organizations:person_add": [
        GET(BUREAU_MANAGE, unit_id="bureau"),
        GET(OTHER_MANAGE, unit_id="outsider_unit"),
    ],
    "organizations:roster_template": [
        GET(BUREAU_MANAGE, unit_id="bureau"),
        GET(OTHER_MANAGE, unit_id="outsider_unit"),
    ],
    "organizations:roster_export": [
        GET(BUREAU_READ, unit_id="bureau"),
        GET(OTHER_READ, unit_id="outsider_unit"),
    ],
    "organizations:roster_import": [
        GET(BUREAU_MANAGE, unit_id="bureau"),
        GET(OTHER_MANAGE, unit_id="outsider_unit"),
    ],
    "organizations:division_edit": [
        GET(BUREAU_MANAGE, division_id="division"),
        GET(OTHER_MANAGE, division_id="outsider_division"),
    ],
    "organizations:branch_edit": [
        GET(BUREAU_MANAGE, branch_id="branch"),
        GET(OTHER_MANAGE, branch_id="outsider_branch"),
    ],
    "organizations:person": [
        GET(BUREAU_READ, person_id="person"),
        GET(OTHER_READ, person_id="outsider_person"),
    ],
    "organizations:person_edit": [
        GET(BUREAU_MANAGE, person_id="person"),
        GET(OTHER_MANAGE, person_id="outsider_person"),
    ],
    # --- year configs ---------------------------------------------------------------------------
    "yearconfigs:list": [GET(EVERYONE)],
    "yearconfigs:create": [GET(CONFIG_ADMIN_ONLY)],
    "yearconfigs:detail": [
        GET(EVERYONE, "presets are shared by every unit", config_id="preset"),
        GET(BUREAU_READ, config_id="bureau_config"),
        GET(OTHER_READ, config_id="outsider_config"),
    ],
    "yearconfigs:edit": [
        GET((403, 403, 403, 403, 403, 403, 403, 302), "presets are read-only: copy one", config_id="preset"),
        GET(BUREAU_ADMIN, config_id="bureau_config"),
        GET((404, 404, 404, 404, 404, 403, 403, 302), config_id="outsider_config"),
    ],
    "yearconfigs:copy": [
        GET((200, 200, 403, 403, 403, 403, 200, 302), "a preparer copies a preset for his unit", config_id="preset"),
        GET(BUREAU_ADMIN, config_id="bureau_config"),
        GET((404, 404, 404, 404, 404, 403, 403, 302), config_id="outsider_config"),
    ],
    # --- meetings -------------------------------------------------------------------------------
    "meetings:list": [
        GET(EVERYONE),
        GET(BUREAU_READ, "filtered by a unit", query={"unit": "@bureau"}),
        GET(OTHER_READ, "filtered by a unit", query={"unit": "@outsider_unit"}),
    ],
    # Preparers (of any unit, the outsider too) and admins hold MEETING_WRITE somewhere.
    "meetings:create": [GET((200, 200, 403, 403, 403, 403, 200, 302))],
    "meetings:detail": [
        GET((200, 200, 200, 200, 200, 200, 404, 302), "the supervisor is assigned to it", meeting_id="meeting"),
        GET(BUREAU_READ, "the supervisor is not assigned to 2024", meeting_id="last_meeting"),
        GET(OTHER_READ, meeting_id="outsider_meeting"),
    ],
    "meetings:edit": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        GET((200, 200, 403, 403, 404, 403, 404, 302), meeting_id="last_meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "meetings:next": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "meetings:roster_refreeze": [
        POST(MEETING_WRITE_POST, meeting_id="meeting"),
        POST(OTHER_MANAGE_POST, meeting_id="outsider_meeting"),
    ],
    "meetings:step_done": [
        POST(MEETING_WRITE_POST, data=STEP_DONE, meeting_id="meeting"),
        POST(OTHER_MANAGE_POST, data=STEP_DONE, meeting_id="outsider_meeting"),
        GET((405, 405, 405, 405, 405, 405, 405, 302), "POST only", meeting_id="meeting"),
    ],
    "meetings:step_reopen": [
        POST(MEETING_WRITE_POST, data={"step": "study"}, meeting_id="meeting"),
    ],
    "meetings:supervisor_add": [
        POST(
            MEETING_ASSIGN_POST,
            data={"membership": "@spare_supervisor_membership", "title": "市委第三督导组成员"},
            meeting_id="meeting",
        ),
        POST(
            (404, 404, 404, 404, 404, 302, 302, 302),
            data={"membership": "@spare_supervisor_membership"},
            meeting_id="outsider_meeting",
        ),
    ],
    "meetings:supervisor_remove": [
        POST(MEETING_ASSIGN_POST, meeting_id="meeting", assignment_id="assignment"),
        # The assignment belongs to the 2025 meeting: it is not found through the 2024 one.
        POST((404, 404, 403, 403, 404, 404, 404, 302), meeting_id="last_meeting", assignment_id="assignment"),
    ],
}


def _app_modules() -> list:
    """Every domain app's `tests/permissions.py`, in INSTALLED_APPS order."""
    names = [f"{c.name}.tests.permissions" for c in apps.get_app_configs() if c.name.startswith("mingjing.")]
    return [import_module(n) for n in names if find_spec(n.rsplit(".", 1)[0]) and find_spec(n)]


def _collect() -> tuple[dict[str, list[Case]], set[str]]:
    rows, public = dict(MATRIX), set()
    for module in _app_modules():
        for name, cases in module.ROWS.items():
            if name in rows:
                raise AssertionError(f"{name} has rows in two places")
            rows[name] = cases
        public |= set(getattr(module, "PUBLIC", ()))
    return rows, public


def url_names(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project as its full name ('meetings:detail')."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            names += url_names(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            names.append(f"{prefix}{p.name}" if p.name else f"<unnamed: {prefix}{p.pattern}>")
    return names


def belongs_to_a_meeting(obj, depth: int = 4) -> bool:
    """A meeting, or an object that reaches one through its foreign keys (a talk, an entry, a problem …)."""
    if isinstance(obj, Meeting):
        return True
    if depth == 0 or not isinstance(obj, models.Model):
        return False
    for f in obj._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one):
            target = getattr(obj, f.name)
            if target is not None and belongs_to_a_meeting(target, depth - 1):
                return True
    return False


MEETING_LINK = re.compile(rb'href="/meetings/\d+/')


class MatrixTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        bureau, outsider_unit = cls.bureau, cls.outsider_unit
        outsider_division = division_create(actor=None, organization=outsider_unit, name="办公室")
        outsider_branch = branch_create(actor=None, organization=outsider_unit, name="机关党支部")
        preset = YearConfig.objects.get(preset_code="2025-annual")
        # A second 督导组 member, so that assigning one to the meeting really happens.
        spare = cls.supervisor.__class__.objects.create(username="spare-supervisor", first_name="韩冰")
        spare_membership = membership_grant(
            actor=None, organization=cls.superior_unit, user=spare, role=Role.SUPERVISOR
        )
        fixtures = {
            "bureau": bureau,
            "superior_unit": cls.superior_unit,
            "outsider_unit": outsider_unit,
            "meeting": cls.meeting,
            "last_meeting": cls.last_meeting,
            "outsider_meeting": meeting_create(
                actor=None, organization=outsider_unit, config=preset, planned_date=cls.meeting.planned_date
            ),
            "person": Person.objects.get(organization=bureau, name="孙丽"),
            "outsider_person": Person.objects.get(organization=outsider_unit, name="陶然"),
            "division": Division.objects.get(organization=bureau, name="办公室"),
            "outsider_division": outsider_division,
            "branch": PartyBranch.objects.get(organization=bureau, name="机关第一党支部"),
            "outsider_branch": outsider_branch,
            "member_membership": Membership.objects.get(user=cls.member, organization=bureau, role=Role.MEMBER),
            "outsider_membership": Membership.objects.get(user=cls.outsider, organization=outsider_unit),
            "spare_supervisor_membership": spare_membership,
            "assignment": SupervisorAssignment.objects.get(meeting=cls.meeting, user=cls.supervisor),
            "preset": preset,
            "principal_entry": cls.meeting.roster.get(name="张明"),
            "bureau_config": yearconfig_copy(
                actor=None, source=preset, organization=bureau, year=2026, name="2026年度民主生活会"
            ),
            "outsider_config": yearconfig_copy(
                actor=None, source=preset, organization=outsider_unit, year=2026, name="2026年度民主生活会"
            ),
        }
        cls.fixtures = fixtures
        for module in _app_modules():
            if hasattr(module, "fixtures"):
                cls.fixtures = {**cls.fixtures, **module.fixtures(cls)}
        cls.rows, cls.public = _collect()

    def pk(self, name: str) -> int:
        return 999_999 if name == "missing" else self.fixtures[name].pk

    def resolve(self, value: str) -> str:
        return str(self.pk(value[1:])) if value.startswith("@") else value

    def url(self, name: str, case: Case) -> str:
        url = reverse(name, kwargs={k: self.pk(v) for k, v in case.objs.items()})
        if case.query:
            url += "?" + urlencode({k: self.resolve(v) for k, v in case.query.items()})
        return url

    def request(self, persona: str, url: str, case: Case):
        """One request as `persona`, in a savepoint that is rolled back."""
        with transaction.atomic():
            client = Client()
            if persona != ANON:
                client.force_login(getattr(self, persona))
            data = {k: self.resolve(v) for k, v in case.data.items()}
            response = client.post(url, data) if case.method == "post" else client.get(url)
            transaction.set_rollback(True)
        return response

    def test_every_url_is_in_the_matrix(self) -> None:
        names = url_names()
        self.assertEqual(len(names), len(set(names)), "two URL patterns share a name")
        missing = sorted(set(names) - set(self.rows))
        self.assertEqual(missing, [], "URLs missing from MATRIX: add a row with the expected status per persona")

    def test_matrix_names_only_existing_urls(self) -> None:
        stale = sorted(set(self.rows) - set(url_names()))
        self.assertEqual(stale, [], "MATRIX rows for URLs that no longer exist")

    def test_matrix_rows_are_well_formed(self) -> None:
        for name, cases in self.rows.items():
            self.assertTrue(cases, name)
            for case in cases:
                with self.subTest(name=name, case=case):
                    self.assertEqual(len(case.expect), len(COLUMNS))
                    # Anonymous visitors are sent to the login page everywhere but on it.
                    if name not in self.public:
                        self.assertEqual(case.expect[-1], 200 if name == "login" else 302)
                    self.assertEqual(set(case.objs.values()) - {"missing"} - set(self.fixtures), set())

    def test_permission_matrix(self) -> None:
        for name, cases in self.rows.items():
            for case in cases:
                url = self.url(name, case)
                for persona, expected in zip(COLUMNS, case.expect, strict=True):
                    with self.subTest(url=name, path=url, method=case.method, persona=persona, note=case.note):
                        response = self.request(persona, url, case)
                        self.assertEqual(response.status_code, expected)
                        if persona == ANON and expected == 302 and name not in self.public:
                            self.assertTrue(response["Location"].startswith(LOGIN_URL), response["Location"])
                        if persona != ANON and expected == 302 and name != "logout":
                            # A signed-in user is never bounced to the login page.
                            self.assertFalse(response["Location"].startswith(LOGIN_URL), response["Location"])

    # --- the three administrators (三员分立), classified in mingjing/tests/admin_matrix.py -------------

    def test_every_url_is_classified_for_the_three_administrators(self) -> None:
        self.assertEqual(ADMINS, ("sysadmin", "secadmin", "auditor"), "the order of admin_matrix's triples")
        names = set(url_names())
        unclassified = sorted(n for n in names if not admin_matrix.is_meeting(n) and n not in admin_matrix.ADMIN_EXPECT)
        self.assertEqual(unclassified, [], "classify each in admin_matrix (ADMIN_EXPECT or MEETING_URLS)")
        both = sorted(n for n in admin_matrix.ADMIN_EXPECT if admin_matrix.is_meeting(n))
        self.assertEqual(both, [], "meeting-scoped URLs have no expectations for the administrators: they are refused")
        named = admin_matrix.MEETING_URLS | admin_matrix.NOT_MEETING | set(admin_matrix.ADMIN_EXPECT)
        self.assertEqual(sorted(named - names), [], "admin_matrix names URLs that no longer exist")
        apps_ = {n.split(":")[0] for n in names if ":" in n}
        self.assertEqual(sorted(admin_matrix.MEETING_APPS - apps_), [], "admin_matrix names apps without URLs")
        for name, cases in self.rows.items():
            if name in admin_matrix.ADMIN_EXPECT:
                with self.subTest(name=name):
                    self.assertEqual(len(admin_matrix.expected(name, cases)), len(cases), "one triple per case")

    def test_meeting_scoped_rows_are_those_naming_a_meeting(self) -> None:
        """The classification agrees with the fixtures each case names."""
        for name, cases in self.rows.items():
            for case in cases:
                names_meeting = any(
                    v != "missing" and belongs_to_a_meeting(self.fixtures[v]) for v in case.objs.values()
                )
                with self.subTest(name=name, case=case):
                    if admin_matrix.is_meeting(name):
                        self.assertTrue(names_meeting or "missing" in case.objs.values(), "names no meeting")
                    elif name not in self.public:
                        self.assertFalse(names_meeting, "names a meeting's record: classify it as meeting-scoped")

    def test_no_administrator_reaches_a_meeting(self) -> None:
        """None of the three reads or changes a meeting, or anything of one, by virtue of his role."""
        for name, cases in self.rows.items():
            if not admin_matrix.is_meeting(name):
                continue
            for case in cases:
                url = self.url(name, case)
                refused = {403, 404} | ({405} if set(case.expect[:-1]) == {405} else set())
                for persona in ADMINS:
                    with self.subTest(url=name, path=url, method=case.method, persona=persona, note=case.note):
                        self.assertIn(self.request(persona, url, case).status_code, refused)

    def test_the_three_administrators_pages(self) -> None:
        """Each administrator reaches his own pages and is refused the others'; no page links to a meeting."""
        for name, cases in self.rows.items():
            if admin_matrix.is_meeting(name):
                continue
            for case, statuses in zip(cases, admin_matrix.expected(name, cases), strict=True):
                url = self.url(name, case)
                for persona, expected in zip(ADMINS, statuses, strict=True):
                    with self.subTest(url=name, path=url, method=case.method, persona=persona, note=case.note):
                        response = self.request(persona, url, case)
                        self.assertEqual(response.status_code, expected)
                        if expected == 302 and name != "logout":
                            self.assertFalse(response["Location"].startswith(LOGIN_URL), response["Location"])
                        if expected == 200 and response.get("Content-Type", "").startswith("text/html"):
                            self.assertIsNone(MEETING_LINK.search(response.content), "links to a meeting")


class AdministratorMeetingRoleTest(BaseTestCase):
    """None of the three reads a meeting: not even by granting himself a meeting role."""

    def test_the_system_administrator_cannot_give_himself_a_meeting_role(self) -> None:
        self.login("sysadmin")
        response = self.client.post(
            reverse("accounts:unit_roles", args=[self.bureau.pk]),
            {"username": "demo-sysadmin", "display_name": "", "password": "", "role": Role.PREPARER},
        )
        self.assertContains(response, "三员分立的管理员账号不能兼任其他角色")
        self.assertEqual(self.client.get(reverse("meetings:detail", args=[self.meeting.pk])).status_code, 404)

    def test_no_administrator_gets_a_meeting_role_and_no_member_becomes_an_administrator(self) -> None:
        from django.core.exceptions import ValidationError

        from mingjing.accounts.services import membership_grant

        for admin in (self.auditor, self.secadmin):
            with self.subTest(admin=admin.username), self.assertRaisesMessage(ValidationError, "不能兼任其他角色"):
                membership_grant(actor=self.admin, organization=self.bureau, user=admin, role=Role.MEMBER)
        with self.assertRaisesMessage(ValidationError, "不能兼任其他角色"):
            membership_grant(
                actor=self.sysadmin, organization=self.superior_unit, user=self.member, role=Role.AUDIT_ADMIN
            )


class MeetingListScopeTest(BaseTestCase):
    """Lists show only what the user may read; the matrix checks statuses, this checks contents."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        preset = YearConfig.objects.get(preset_code="2025-annual")
        cls.outsider_meeting = meeting_create(
            actor=None, organization=cls.outsider_unit, config=preset, planned_date=cls.meeting.planned_date
        )

    def detail_link(self, meeting) -> str:
        return f'href="{reverse("meetings:detail", args=[meeting.pk])}"'

    def test_superior_sees_the_bureau_meetings(self) -> None:
        self.login("superior")
        response = self.client.get(reverse("meetings:list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.meeting.title)
        for m in (self.meeting, self.last_meeting, self.outsider_meeting):
            self.assertContains(response, self.detail_link(m))

    def test_outsider_does_not_see_the_bureau_meetings(self) -> None:
        self.login("outsider")
        response = self.client.get(reverse("meetings:list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.bureau.short_name)
        self.assertNotContains(response, self.detail_link(self.meeting))
        self.assertNotContains(response, self.detail_link(self.last_meeting))
        self.assertContains(response, self.detail_link(self.outsider_meeting))

    def test_supervisor_sees_only_his_assigned_meeting(self) -> None:
        self.login("supervisor")
        response = self.client.get(reverse("meetings:list"))
        self.assertContains(response, self.detail_link(self.meeting))
        self.assertNotContains(response, self.detail_link(self.last_meeting))
        self.assertNotContains(response, self.detail_link(self.outsider_meeting))

    def test_bureau_preparer_sees_only_his_unit(self) -> None:
        self.login("preparer")
        response = self.client.get(reverse("meetings:list"))
        self.assertContains(response, self.detail_link(self.meeting))
        self.assertContains(response, self.detail_link(self.last_meeting))
        self.assertNotContains(response, self.detail_link(self.outsider_meeting))

    def test_home_page_follows_the_same_scope(self) -> None:
        self.login("superior")
        self.assertContains(self.client.get(reverse("home")), self.detail_link(self.meeting))
        self.login("outsider")
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, self.detail_link(self.meeting))
        self.assertContains(response, self.detail_link(self.outsider_meeting))
