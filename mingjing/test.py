"""BaseTestCase: the demo world with one named persona per role (healthchecks' hc/test.py style).

Every persona logs in with the demo password. The demo is loaded as of DEMO_DAY so dates in
tests do not depend on the day the suite runs; it is loaded once per test database (ensure_demo)
and each test class works on it inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.test import TestCase

from mingjing.demo.services import BUREAU, OUTSIDER_UNIT, SUPERIOR, load_demo
from mingjing.meetings.models import Meeting
from mingjing.organizations.models import Organization

DEMO_DAY = dt.date(2026, 11, 2)
PERSONAS = ("admin", "preparer", "principal", "member", "supervisor", "superior", "outsider")
# 三员分立: the demo's 系统管理员, 安全管理员 and 审计管理员 at the top unit (not permission-matrix columns:
# the matrix checks them apart, see mingjing/tests/admin_matrix.py).
ADMINS = ("sysadmin", "secadmin", "auditor")


def ensure_demo() -> Meeting:
    """Load the demo into the test database once and commit it: every test class then starts
    from it inside its own transaction, instead of building it again (the suite's largest cost)."""
    meeting = Meeting.objects.filter(organization__name=BUREAU["name"], config__preset_code="2025-annual").first()
    return meeting or load_demo(on=DEMO_DAY)


class BaseTestCase(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        ensure_demo()  # before the class's transaction opens, so it is committed once
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.meeting: Meeting = ensure_demo()
        cls.last_meeting: Meeting = cls.meeting.previous
        cls.bureau = Organization.objects.get(name=BUREAU["name"])
        cls.superior_unit = Organization.objects.get(name=SUPERIOR["name"])
        cls.outsider_unit = Organization.objects.get(name=OUTSIDER_UNIT["name"])
        users = get_user_model().objects.in_bulk([f"demo-{p}" for p in (*PERSONAS, *ADMINS)], field_name="username")
        for persona in (*PERSONAS, *ADMINS):
            setattr(cls, persona, users[f"demo-{persona}"])

    def login(self, persona: str) -> None:
        self.client.force_login(getattr(self, persona))
