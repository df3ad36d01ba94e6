"""Issue 12 point 9: the talk counterpart kinds are data in the year configuration (包保/联系单位
heads added to the catalogue); the talk form, the several-talks page, the import and the services
offer only the year's kinds, an edited talk keeps its kind, the coverage does not change."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from mingjing.talks.models import Talk
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_record, talks_import
from mingjing.talks.sheet import COLUMNS
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import YearConfig

LIAISON = "包保/联系单位负责同志"


def sheet(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class CounterpartKindsTest(BaseTestCase):
    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def offer(self, *codes):
        YearConfig.objects.filter(pk=self.meeting.config_id).update(counterpart_kinds=list(codes))
        self.meeting.refresh_from_db()

    def new_url(self, query=""):
        return reverse("talks:create", args=[self.meeting.pk]) + query

    def liaison_talk(self, **extra):
        data = {
            "talk_date": "2026-11-10",
            "member": self.entry("李华").pk,
            "counterpart_kind": "liaison_units",
            "liaison_unit": "青山镇",
            "participants": "镇党委书记、镇长",
            "topics": "听取包保乡镇对分管工作的意见",
        }
        return data | extra

    def test_the_default_year_does_not_offer_liaison_units_and_the_service_refuses_them(self):
        self.login("preparer")
        page = self.client.get(self.new_url()).content.decode()
        self.assertIn("分管科室负责同志", page)
        self.assertNotIn(LIAISON, page)
        response = self.client.post(self.new_url(), self.liaison_talk())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())
        with self.assertRaises(ValidationError) as caught:
            talk_record(
                actor=self.preparer,
                meeting=self.meeting,
                talk_date=DEMO_DAY,
                member=self.entry("李华"),
                counterpart_kind="liaison_units",
                liaison_unit="青山镇",
                topics="听取意见",
            )
        self.assertIn("不是本次会议年度配置中的谈话对象类型", caught.exception.message_dict["counterpart_kind"][0])

    def test_a_year_that_offers_liaison_units_records_a_talk_with_a_named_unit(self):
        self.offer("member", "division_heads", "branch_reps", "liaison_units")
        before = talk_coverage(meeting=self.meeting)
        self.login("preparer")
        page = self.client.get(self.new_url("?kind=liaison_units")).content.decode()
        self.assertIn('name="liaison_unit"', page)
        for name in ("other_member", "division", "branch", "exception_reason"):
            self.assertNotIn(f'name="{name}"', page, name)
        response = self.client.post(self.new_url(), self.liaison_talk(liaison_unit=""))
        self.assertContains(response, "请填写包保/联系单位的名称")
        response = self.client.post(self.new_url(), self.liaison_talk())
        self.assertRedirects(response, reverse("talks:list", args=[self.meeting.pk]))
        talk = Talk.objects.get(meeting=self.meeting)
        self.assertEqual((talk.counterpart_kind, talk.liaison_unit), ("liaison_units", "青山镇"))
        self.assertContains(self.client.get(reverse("talks:list", args=[self.meeting.pk])), "青山镇负责同志")
        after = talk_coverage(meeting=self.meeting)  # no rule requires these talks: coverage as before
        self.assertEqual((after.required, after.done), (before.required, before.done))

    def test_the_switcher_offers_only_the_years_kinds_and_an_edited_talk_keeps_its_kind(self):
        branch_talk = talk_record(
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("王芳"),
            counterpart_kind="branch_reps",
            branch=self.bureau.branches.get(name="机关第二党支部"),
            topics="听取党员代表意见",
        )
        self.offer("member", "liaison_units")
        self.login("preparer")
        page = self.client.get(self.new_url()).content.decode()
        self.assertIn(LIAISON, page)
        self.assertNotIn("党支部党员代表", page)
        self.assertNotIn("分管科室负责同志", page)
        response = self.client.post(
            self.new_url(),
            {
                "talk_date": "2026-11-10",
                "member": self.entry("王芳").pk,
                "counterpart_kind": "branch_reps",
                "branch": branch_talk.branch_id,
                "topics": "再次听取意见",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Talk.objects.filter(meeting=self.meeting).count(), 1)
        # The talk recorded when the year still offered branch representatives keeps its kind.
        edit = reverse("talks:edit", args=[branch_talk.pk])
        page = self.client.get(edit).content.decode()
        self.assertIn('name="branch"', page)
        self.assertIn("党支部党员代表", page)
        response = self.client.post(
            edit,
            {
                "talk_date": "2026-11-03",
                "member": self.entry("王芳").pk,
                "counterpart_kind": "branch_reps",
                "branch": branch_talk.branch_id,
                "topics": "听取党员代表意见（补记）",
            },
        )
        self.assertRedirects(response, reverse("talks:list", args=[self.meeting.pk]))
        branch_talk.refresh_from_db()
        self.assertEqual(branch_talk.topics, "听取党员代表意见（补记）")

    def test_switching_kind_keeps_what_was_typed(self):
        self.offer("member", "division_heads", "liaison_units")
        self.login("preparer")
        typed = {"talk_date": "2026-11-09", "member": self.entry("赵强").pk, "topics": "交流执法队伍建设"}
        page = self.client.get(
            self.new_url("?kind=liaison_units"), typed | {"kind": "liaison_units"}, headers={"HX-Request": "true"}
        ).content.decode()
        self.assertIn('name="liaison_unit"', page)
        self.assertIn('value="2026-11-09"', page)
        self.assertIn("交流执法队伍建设", page)
        self.assertIn(f'<option value="{self.entry("赵强").pk}" selected>', page)
        self.assertIn('hx-get="?kind=division_heads"', page)

    def test_several_talks_page_and_import_offer_liaison_units_only_when_the_year_does(self):
        self.login("preparer")
        bulk = reverse("talks:bulk", args=[self.meeting.pk])
        self.assertNotContains(self.client.get(bulk), LIAISON)
        rows = [["2026-11-05", "李华", LIAISON, "青山镇", "镇党委书记", "听取包保乡镇意见", "", ""]]
        with self.assertRaises(ValidationError) as caught:
            talks_import(actor=self.preparer, meeting=self.meeting, fileobj=sheet(rows))
        self.assertIn("第2行「谈话对象类型」", str(caught.exception.message_dict["file"]))
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

        self.offer("member", "division_heads", "branch_reps", "liaison_units")
        self.assertContains(self.client.get(bulk), LIAISON)
        data = {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-0-talk_date": "2026-11-06",
            "rows-0-member": self.entry("王芳").pk,
            "rows-0-counterpart": "liaison",
            "rows-0-liaison_unit": "白石村",
            "rows-0-topics": "了解包保村产业项目进展",
        }
        self.assertRedirects(self.client.post(bulk, data), reverse("talks:list", args=[self.meeting.pk]))
        self.assertEqual(talks_import(actor=self.preparer, meeting=self.meeting, fileobj=sheet(rows)), 1)
        labels = sorted(t.counterpart_label for t in Talk.objects.filter(meeting=self.meeting))
        self.assertEqual(labels, ["白石村负责同志", "青山镇负责同志"])
