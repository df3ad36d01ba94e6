"""Issue 12: a talk is dated before the meeting, has its content and limits, a division talk is
with a division the member supervises (or says why not), the form shows only the counterpart that
fits the kind, and many talks are entered at once (a page of rows, or an .xlsx sheet)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.talks.models import Talk
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_record, talks_import
from mingjing.talks.sheet import COLUMNS
from mingjing.test import DEMO_DAY, BaseTestCase


def sheet(rows: list[list[str]], headers=COLUMNS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "talks.xlsx"
    return buffer


class TalkTrustTest(BaseTestCase):
    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def new_url(self, query=""):
        return reverse("talks:create", args=[self.meeting.pk]) + query

    def post_talk(self, **data):
        self.login("preparer")
        fields = {
            "talk_date": "2026-11-10",
            "member": self.entry("李华").pk,
            "counterpart_kind": "member",
            "other_member": self.entry("王芳").pk,
            "topics": "交流思想",
        }
        return self.client.post(self.new_url(), fields | data)

    # --- dates -------------------------------------------------------------------------------------

    def test_a_talk_after_the_meeting_is_refused_on_the_date_field(self):
        response = self.post_talk(talk_date="2026-11-24")
        self.assertContains(
            response,
            "谈话日期：谈话日期应在2025年1月1日至2026年11月23日之间（本次民主生活会于2026年11月23日召开）",
        )
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

    def test_a_talk_dated_after_the_meeting_does_not_count_toward_coverage(self):
        # As left behind by the old code, or when the meeting was moved earlier.
        Talk.objects.create(
            meeting=self.meeting,
            talk_date=self.meeting.planned_date + dt.timedelta(days=1),
            member=self.entry("张明"),
            counterpart_kind="member",
            other_member=self.entry("李华"),
            topics="会后补谈",
        )
        self.assertEqual(talk_coverage(meeting=self.meeting).done, 0)
        self.login("preparer")
        self.assertContains(self.client.get(reverse("talks:list", args=[self.meeting.pk])), "必谈覆盖：</strong>0/17")

    # --- content and lengths -----------------------------------------------------------------------

    def test_a_talk_without_content_is_refused(self):
        response = self.post_talk(topics="  ")
        self.assertContains(response, "谈话内容：请填写谈话内容")
        with self.assertRaisesMessage(ValidationError, "请填写谈话内容"):
            talk_record(
                actor=self.preparer,
                meeting=self.meeting,
                talk_date=DEMO_DAY,
                member=self.entry("李华"),
                counterpart_kind="member",
                other_member=self.entry("王芳"),
            )
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

    def test_over_long_content_is_refused_with_the_fields_name_and_the_limit_is_shown(self):
        self.login("preparer")
        self.assertContains(self.client.get(self.new_url()), '<div class="help">最多2000字</div>', html=False)
        response = self.post_talk(topics="谈" * 80000)
        self.assertContains(response, "谈话内容：谈话内容最多2000字（现有80000字）")
        self.assertNotContains(response, "确保该变量")
        with self.assertRaisesMessage(ValidationError, "参加人员最多300字（现有301字）"):
            talk_record(
                actor=self.preparer,
                meeting=self.meeting,
                talk_date=DEMO_DAY,
                member=self.entry("李华"),
                counterpart_kind="branch_reps",
                branch=self.bureau.branches.get(name="机关第一党支部"),
                participants="人" * 301,
                topics="交流思想",
            )

    # --- division talks ----------------------------------------------------------------------------

    def test_a_division_the_member_does_not_supervise_needs_a_reason(self):
        planting = self.bureau.divisions.get(name="种植业管理科")  # 王芳's, not 李华's
        data = {"counterpart_kind": "division_heads", "division": planting.pk, "other_member": ""}
        response = self.post_talk(**data)
        self.assertContains(response, "李华不分管种植业管理科：请选择其分管的科室，或在“非分管科室谈话说明”中写明原因")
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())
        response = self.post_talk(**data, exception_reason="种植业管理科负责同志临时借调，受委托听取意见")
        self.assertEqual(response.status_code, 302)
        talk = Talk.objects.get(meeting=self.meeting)
        self.assertEqual(talk.exception_reason, "种植业管理科负责同志临时借调，受委托听取意见")
        self.assertContains(
            self.client.get(reverse("talks:list", args=[self.meeting.pk])), "非分管：种植业管理科负责同志"
        )
        # A supervised division needs no reason (and keeps none).
        finance = self.bureau.divisions.get(name="计划财务科")
        talk = talk_record(
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("李华"),
            counterpart_kind="division_heads",
            division=finance,
            topics="听取意见",
            exception_reason="不需要",
        )
        self.assertEqual(talk.exception_reason, "")

    # --- the form shows the counterpart of the chosen kind -----------------------------------------

    def test_the_form_shows_only_the_select_of_the_chosen_kind(self):
        self.login("preparer")
        shown = {
            "": ("other_member",),
            "?kind=division_heads": ("division", "exception_reason", "participants"),
            "?kind=branch_reps": ("branch", "participants"),
        }
        for query, names in shown.items():
            with self.subTest(query or "default"):
                page = self.client.get(self.new_url(query)).content.decode()
                for name in ("other_member", "division", "branch", "exception_reason", "participants"):
                    self.assertEqual(f'name="{name}"' in page, name in names, name)
        branch = self.bureau.branches.get(name="机关第一党支部")
        talk = talk_record(
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("李华"),
            counterpart_kind="branch_reps",
            branch=branch,
            topics="听取意见",
        )
        page = self.client.get(reverse("talks:edit", args=[talk.pk])).content.decode()
        self.assertIn('name="branch"', page)
        self.assertNotIn('name="division"', page)
        self.assertNotIn('name="other_member"', page)

    # --- several at once ---------------------------------------------------------------------------

    def bulk(self, rows):
        data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"}
        for i, row in enumerate(rows):
            data |= {f"rows-{i}-{k}": v for k, v in row.items()}
        self.login("preparer")
        return self.client.post(reverse("talks:bulk", args=[self.meeting.pk]), data)

    def test_several_talks_on_one_page_all_or_none(self):
        zhang, li, wang = (self.entry(n) for n in ("张明", "李华", "王芳"))
        branch = self.bureau.branches.get(name="机关第二党支部")
        rows = [
            {"talk_date": "2026-11-05", "member": zhang.pk, "counterpart": f"member:{li.pk}", "topics": "交流思想"},
            {"talk_date": "2026-11-06", "member": wang.pk, "counterpart": f"branch:{branch.pk}", "topics": ""},
            {},
        ]
        response = self.bulk(rows)  # the row's form shows what is missing
        self.assertContains(response, "<legend>第2行</legend>")
        self.assertContains(response, "谈话内容：请填写谈话内容")
        rows[1] |= {"topics": "听取党员代表意见", "talk_date": "2026-12-01"}
        response = self.bulk(rows)  # the service's checks name the row and the field
        self.assertContains(response, "第2行「日期」：谈话日期应在2025年1月1日至2026年11月23日之间")
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())
        rows[1]["talk_date"] = "2026-11-06"
        response = self.bulk(rows)
        self.assertRedirects(response, reverse("talks:list", args=[self.meeting.pk]))
        self.assertEqual(Talk.objects.filter(meeting=self.meeting).count(), 2)
        self.assertEqual(talk_coverage(meeting=self.meeting).done, 2)
        event = AuditEvent.objects.filter(event_type="talk.recorded_many").get()
        self.assertEqual(event.extra, {"count": 2})

    def test_the_template_downloads_and_a_good_sheet_imports(self):
        self.login("preparer")
        response = self.client.get(reverse("talks:import_template", args=[self.meeting.pk]))
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual([c.value for c in wb.worksheets[0][1]], list(COLUMNS))
        self.assertIn("计划财务科", str([c.value for row in wb["填写说明"].iter_rows() for c in row]))
        rows = [
            ["2026-11-05", "张明", "", "李华", "", "交流思想，沟通批评意见", "是", ""],
            ["2026年11月6日", "李华", "", "计划财务科负责同志", "钱进", "听取意见", "", ""],
            ["2026-11-07", "王芳同志", "党支部党员代表", "机关第二党支部", "", "听取意见", "", ""],
        ]
        response = self.client.post(reverse("talks:import", args=[self.meeting.pk]), {"file": sheet(rows)})
        self.assertRedirects(response, reverse("talks:list", args=[self.meeting.pk]))
        talks = list(Talk.objects.filter(meeting=self.meeting).order_by("talk_date"))
        self.assertEqual([t.counterpart_label for t in talks], ["李华", "计划财务科负责同志", "机关第二党支部党员代表"])
        self.assertTrue(talks[0].criticism_discussed)
        self.assertEqual(talk_coverage(meeting=self.meeting).done, 3)

    def test_one_bad_row_imports_nothing_and_each_error_names_its_row_and_column(self):
        rows = [
            ["2026-11-05", "张明", "", "李华", "", "交流思想", "", ""],
            ["2030-01-01", "李华", "", "王芳", "", "交流思想", "", ""],
            ["2026-11-05", "李华", "", "种植业管理科", "", "", "", ""],
            ["2026-11-05", "孙悟空", "", "无名科", "", "交流思想", "也许", ""],
        ]
        with self.assertRaises(ValidationError) as caught:
            talks_import(actor=self.preparer, meeting=self.meeting, fileobj=sheet(rows).getvalue())
        errors = caught.exception.message_dict["file"]
        self.assertIn(
            "第3行「日期」：谈话日期应在2025年1月1日至2026年11月23日之间（本次民主生活会于2026年11月23日召开）", errors
        )
        self.assertIn("第4行「谈话内容」：请填写谈话内容", errors)
        self.assertIn(
            "第4行「谈话对象」：李华不分管种植业管理科：请选择其分管的科室，或在“非分管科室谈话说明”中写明原因", errors
        )
        self.assertIn("第5行「班子成员」：“孙悟空”不是本次会议班子名单中的成员", errors)
        self.assertIn("第5行「谈话对象」：“无名科”不是本次会议班子成员、本单位科室或党支部", errors)
        self.assertIn("第5行「已沟通批评意见」：“也许”不正确，请填“是”或留空", errors)
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())
        self.login("preparer")
        response = self.client.post(reverse("talks:import", args=[self.meeting.pk]), {"file": sheet(rows)})
        self.assertContains(response, "第4行「谈话内容」：请填写谈话内容")
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

    def test_a_member_cannot_import(self):
        from django.core.exceptions import PermissionDenied

        rows = [["2026-11-05", "张明", "", "李华", "", "交流思想", "", ""]]
        with self.assertRaises(PermissionDenied):
            talks_import(actor=self.member, meeting=self.meeting, fileobj=sheet(rows).getvalue())
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())
