"""The rules' thresholds are set on the year-configuration form and change what the meeting page reports."""

from __future__ import annotations

import re

from django.urls import reverse

from mingjing.minutes.models import Attendance, MeetingRecord, Presence
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.services import yearconfig_copy


class ConfigFormTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        source = cls.last_meeting.config
        unit = cls.bureau
        cls.config = yearconfig_copy(actor=cls.admin, source=source, organization=unit, year=2024, name="本局2024")
        cls.last_meeting.config = cls.config
        cls.last_meeting.save(update_fields=["config"])

    def form_data(self, **changes) -> dict:
        c = self.config
        data = {
            "year": c.year, "kind": c.kind, "name": c.name, "theme": c.theme, "talk_rules": c.talk_rules,
            "extra_agenda_items": "", "plan_lead_days": c.plan_lead_days,
            "report_deadline_days": c.report_deadline_days, "source_note": "", "problem_sources": c.problem_sources,
            "study_kinds": c.study_kinds, "counterpart_kinds": c.counterpart_kinds, "material_name": c.material_name,
            "aspects-TOTAL_FORMS": c.aspects.count(), "aspects-INITIAL_FORMS": c.aspects.count(),
        }  # fmt: skip
        for i, a in enumerate(c.aspects.order_by("order")):
            data |= {f"aspects-{i}-id": a.pk, f"aspects-{i}-order": a.order, f"aspects-{i}-title": a.title}
        return data | changes

    def edit(self, **changes):
        self.login("admin")
        return self.client.post(reverse("yearconfigs:edit", args=[self.config.pk]), self.form_data(**changes))

    def quorum_row(self) -> str:
        self.login("preparer")
        page = self.client.get(reverse("meetings:detail", args=[self.last_meeting.pk])).content.decode()
        return re.sub(r"<[^>]+>", " ", re.search(r'<tr id="rule-quorum">(.*?)</tr>', page, re.S).group(1))

    def test_the_form_shows_the_thresholds_with_their_defaults(self):
        self.login("admin")
        page = self.client.get(reverse("yearconfigs:edit", args=[self.config.pk]))
        self.assertContains(page, "合规检查：到会人数不少于")
        self.assertContains(page, 'value="2/3"')
        self.assertContains(page, "不启用的合规检查项")

    def test_quorum_share_and_rules_turned_off_are_saved_and_used(self):
        record = MeetingRecord.objects.get(meeting=self.last_meeting)
        Attendance.objects.filter(record=record, entry__name="赵强").update(status=Presence.LEAVE)
        self.assertIn("符合", self.quorum_row())
        response = self.edit(compliance_quorum="90%", compliance_talks_days="3", compliance_off=["criticism"])
        self.assertEqual(response.status_code, 302)
        self.config.refresh_from_db()
        self.assertEqual(
            self.config.compliance_rules,
            {"quorum": {"share": "90%"}, "talk_coverage": {"days_before": 3}, "criticism": {"enabled": False}},
        )
        row = self.quorum_row()
        self.assertIn("不符合", row)
        self.assertIn("90%", row)
        detail = self.client.get(reverse("yearconfigs:detail", args=[self.config.pk]))
        self.assertContains(detail, "到会人数不少于90%；谈心谈话全覆盖须在会前3天")
        self.assertContains(detail, "未启用：相互批评全覆盖且点出问题")
        # Back to the defaults: nothing stored.
        self.edit(compliance_quorum="2/3", compliance_talks_days="0")
        self.config.refresh_from_db()
        self.assertEqual(self.config.compliance_rules, {})

    def test_a_bad_share_is_refused_naming_the_field(self):
        response = self.edit(compliance_quorum="三分之二")
        self.assertContains(response, "请按“2/3”或“90%”的格式填写")
        self.config.refresh_from_db()
        self.assertEqual(self.config.compliance_rules, {})
