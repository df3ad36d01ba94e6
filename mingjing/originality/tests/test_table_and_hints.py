"""The superior's 查重 table (issue 14 §5) and the quality hints beside the report (§4)."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from mingjing.meetings.services import meeting_create
from mingjing.originality.hints import hints_for
from mingjing.originality.tests.test_originality import LAST_YEAR, MEMBER_OWN, OriginalityCase, _direct_material
from mingjing.yearconfigs.models import YearConfig


class SuperiorTableTest(OriginalityCase):
    def test_the_superior_sees_the_copy_first_with_its_source_and_exports_it(self):
        self._write("member", self.member_entry, LAST_YEAR.replace("2024", "2025"))
        self.login("superior")
        response = self.client.get(reverse("originality:overview"), {"year": self.meeting.config.year})
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual(str(rows[0].material), "李华同志个人发言提纲")
        self.assertEqual(rows[0].result.level, "high")
        self.assertIn("本人往年材料", rows[0].source)
        self.assertContains(response, "高度疑似复制")
        # Last year's meeting is filtered out by the year.
        self.assertTrue(all(r.material.meeting.config.year == self.meeting.config.year for r in rows))

        export = self.client.get(reverse("originality:export"), {"year": self.meeting.config.year})
        sheet = load_workbook(io.BytesIO(export.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[0][:4], ["单位", "年度", "会议", "材料"])
        self.assertEqual(values[1][3], "李华同志个人发言提纲")
        self.assertTrue(str(values[1][5]).endswith("%"))
        self.assertIn("本人往年材料", values[1][7])

    def test_filter_by_level_and_unit(self):
        self._write("member", self.member_entry, LAST_YEAR.replace("2024", "2025"))
        self._write("principal", self.principal_entry, MEMBER_OWN.replace("本人", "我"))
        self.login("superior")
        high = self.client.get(reverse("originality:overview"), {"level": "high"}).context["rows"]
        self.assertEqual([str(r.material) for r in high], ["李华同志个人发言提纲"])
        outsider = self.client.get(reverse("originality:overview"), {"unit": self.outsider_unit.pk}).context["rows"]
        self.assertTrue(all(r.material.meeting.organization_id == self.outsider_unit.pk for r in outsider))

    def test_another_units_source_stays_anonymous_to_a_supervisor_who_does_not_review_it(self):
        config = YearConfig.objects.get(preset_code="2025-annual")
        other = meeting_create(
            actor=None, organization=self.outsider_unit, config=config, planned_date=self.meeting.planned_date
        )
        secret = "教育系统校舍安全隐患排查不彻底，三所学校的消防通道长期被占用没有整改到位，师生反映多次仍未解决。"
        _direct_material(other, None, secret)
        self._write("member", self.member_entry, MEMBER_OWN + "\n" + secret)
        self.login("supervisor")  # assigned to the bureau's meeting only
        rows = self.client.get(reverse("originality:overview")).context["rows"]
        row = next(r for r in rows if r.material.owner_id == self.member_entry.pk)
        self.assertEqual(row.source, "与其他单位材料相似")
        self.assertTrue(all(r.material.meeting.organization_id == self.bureau.pk for r in rows))
        self.login("superior")  # reviews both units: the source is named
        rows = self.client.get(reverse("originality:overview")).context["rows"]
        row = next(r for r in rows if r.material.owner_id == self.member_entry.pk)
        self.assertIn("其他单位材料：领导班子对照检查材料", row.source)

    def test_members_preparers_and_outsiders_may_not_see_the_table(self):
        for persona in ("member", "principal", "preparer", "admin", "outsider"):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("originality:overview")).status_code, 403, persona)
            self.assertEqual(self.client.get(reverse("originality:export")).status_code, 403, persona)

    def test_the_table_runs_the_same_queries_for_more_materials(self):
        self.login("superior")
        url = reverse("originality:overview")
        self.client.get(url)  # warm the session and the access cache
        with self.assertNumQueries(self._queries(url)):
            self.client.get(url)
        config = YearConfig.objects.get(preset_code="2025-annual")
        for n in range(3):
            other = meeting_create(
                actor=None,
                organization=self.outsider_unit,
                config=config,
                planned_date=self.meeting.planned_date,
                extra_reason="专题民主生活会" if n else "",
                kind="special" if n else "",
            )
            _direct_material(other, None, MEMBER_OWN)
        with self.assertNumQueries(self._queries(url)):
            self.client.get(url)

    def _queries(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get(url)
        return len(ctx.captured_queries)

    def test_rebuild_recomputes_the_figures(self):
        from django.core.management import call_command

        from mingjing.originality.models import Result

        self._write("member", self.member_entry, LAST_YEAR.replace("2024", "2025"))
        Result.objects.all().delete()
        call_command("originality", rebuild=True, stdout=io.StringIO())
        result = Result.objects.get(material__meeting=self.meeting, material__owner=self.member_entry)
        self.assertEqual(result.level, "high")


class HintsTest(OriginalityCase):
    def test_the_report_lists_the_hints_and_the_editing_page_counts_them(self):
        aspect = self.meeting.config.aspects.order_by("order").first()
        text = "\n".join(
            [
                "二、检视查摆问题",
                f"（一）{aspect.title}",
                aspect.text or aspect.title,
                "一是班子抓落实的力度不够，部分同志存在等靠思想，推动重点工作进度偏慢。",
                "二是受任务繁重、人手少等客观条件限制，调研次数偏少。",
                "三是学习不够深入，比如2025年3月学习后没有及时研究落实举措。",
                "四、对其他同志的批评意见",
                "希望王强同志继续保持敢于担当的作风，进一步加强理论学习。",
                "王强同志对分管科室督促不够，比如档案整理工作拖延两个月没有完成。",
                "五、努力方向",
                "【待补充】",
            ]
        )
        self._write("member", self.member_entry, text)
        response = self._report_page("member", str(self.member_entry.pk))
        hints = response.context["shown"].hints
        kinds = {(h.number, h.kind) for h in hints}
        self.assertIn((4, "example"), kinds)
        self.assertIn((4, "own"), kinds)  # only the team's and "部分同志"
        self.assertIn((5, "objective"), kinds)
        self.assertNotIn(6, {h.number for h in hints})  # a concrete example, his own study
        self.assertIn((8, "hope"), kinds)
        self.assertNotIn(9, {h.number for h in hints})  # a real criticism
        self.assertIn((11, "missing"), kinds)
        if aspect.text:
            self.assertIn((3, "aspect"), kinds)
        self.assertContains(response, "问题没有具体事例")
        self.assertContains(response, "批评意见只是希望、建议或表扬")
        edit = self.client.get(reverse("materials:edit", args=[self.meeting.pk, self.member_entry.pk]))
        self.assertContains(edit, 'id="hint-count"')

    def test_a_good_material_has_no_hints(self):
        self._write("member", self.member_entry, MEMBER_OWN)
        response = self._report_page("member", str(self.member_entry.pk))
        self.assertEqual(response.context["shown"].hints, [])
        self.assertContains(response, 'id="no-hints"')

    def test_the_team_material_may_speak_of_the_team(self):
        found = hints_for(
            "二、检视查摆问题\n一是班子抓落实不够有力，比如重点项目调度次数偏少，个别项目开工滞后两个月。",
            outline=False,
            aspect_texts=[],
        )
        self.assertEqual(found, [])
