"""The material page's 查重 block works from the material the page opened (issue 15: CPU per typical
page): the material, its meeting and configuration are not read again for the report and the hints."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.materials.models import Material
from mingjing.test import BaseTestCase

FROM = re.compile(r'\bFROM "(\w+)"')


class MaterialPageQueriesTest(BaseTestCase):
    def test_report_uses_the_opened_material(self) -> None:
        material = Material.objects.get(meeting=self.meeting, owner__isnull=True)
        self.assertGreater(material.current_version, 0)
        self.login("supervisor")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("materials:edit", args=[self.meeting.pk, "team"]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "复制比")
        tables = [m.group(1) for q in queries.captured_queries for m in [FROM.search(q["sql"])] if m]
        self.assertEqual(tables.count("materials_material"), 1, tables)
        self.assertEqual(tables.count("meetings_meeting"), 1, tables)
        self.assertNotIn("yearconfigs_yearconfig", tables)
