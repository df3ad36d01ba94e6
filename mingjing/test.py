"""BaseTestCase: the demo world with one named persona per role (healthchecks' hc/test.py style).

Every persona logs in with the demo password. The demo is loaded as of DEMO_DAY so dates in
tests do not depend on the day the suite runs.
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


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.meeting: Meeting = load_demo(on=DEMO_DAY)
        cls.last_meeting: Meeting = cls.meeting.previous
        cls.bureau = Organization.objects.get(name=BUREAU["name"])
        cls.superior_unit = Organization.objects.get(name=SUPERIOR["name"])
        cls.outsider_unit = Organization.objects.get(name=OUTSIDER_UNIT["name"])
        users = get_user_model().objects.in_bulk([f"demo-{p}" for p in PERSONAS], field_name="username")
        for persona in PERSONAS:
            setattr(cls, persona, users[f"demo-{persona}"])

    def login(self, persona: str) -> None:
        self.client.force_login(getattr(self, persona))
