"""Issue 12 in the ledger: an item carried to next year counts once (where it now lives), last year
held on paper can be recorded in summary, deadlines and dates fall after the meeting, and every text
has a limit shown beside it and named when exceeded."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document

from mingjing.materials.skeleton import generate_skeleton
from mingjing.meetings.models import Meeting
from mingjing.rectification.models import Notice, RectificationItem, Status
from mingjing.rectification.selectors import carry_over, rollup
from mingjing.rectification.services import (
    item_delete,
    milestone_add,
    notice_create,
    previous_year_save,
    progress_update,
)
from mingjing.rectification.tests.test_rectification import RectificationTestCase, pdf


def docx_lines(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    out = [p.text for p in document.paragraphs]
    return out + [c.text for t in document.tables for row in t.rows for c in row.cells]


class CarriedOnceTest(RectificationTestCase):
    """The demo carried 2024's two open items (李华's, due three days before the demo day, and a long-term
    team item) to 2025."""

    def originals(self):
        return RectificationItem.objects.filter(meeting=self.last_meeting, carried_to__isnull=False)

    def test_the_original_is_marked_carried_and_leaves_last_years_counts_and_warnings(self) -> None:
        self.assertEqual(set(self.originals().values_list("status", flat=True)), {Status.CARRIED})
        last = rollup(self.last_meeting).total
        self.assertEqual((last.total, last.closed, last.carried, last.open, last.overdue), (5, 3, 2, 0, 0))
        this = rollup(self.meeting).total
        self.assertEqual((this.open, this.overdue), (2, 1))  # the copies: open and overdue here, once
        self.login("preparer")
        response = self.client.get(self.ledger_url(self.last_meeting))
        self.assertNotContains(response, "已逾期")  # no overdue mark left in last year's ledger
        original = self.originals().get(owner__name="李华")
        copy = original.carried_to.get()
        self.assertContains(response, reverse("rectification:item", args=[copy.pk]))  # the link to its copy
        self.assertContains(response, "已结转")
        page = self.client.get(self.item_url(original))
        self.assertContains(page, f"{self.meeting.title} {copy.key}")
        self.assertContains(self.client.get(self.item_url(copy)), f"上年度事项 {original.key}")  # and back

    def test_my_rectification_shows_the_item_once(self) -> None:
        self.login("member")
        response = self.client.get(reverse("rectification:mine"))
        text = RectificationItem.objects.get(meeting=self.meeting, owner__name="李华").problem_text
        self.assertContains(response, text[:20], count=1)
        self.assertContains(response, "已逾期", count=1)

    def test_last_years_reports_count_it_once_where_it_now_lives(self) -> None:
        self.login("preparer")
        url = f"/meetings/{self.last_meeting.pk}/documents/rectification-report/download/"
        lines = docx_lines(self.client.get(url, {"format": "docx"}).content)
        overall = next(line for line in lines if line.startswith("2024年度民主生活会共确定整改事项"))
        self.assertIn("已完成3项，已结转到下一年度整改台账2项", overall)  # no zero states claimed
        self.assertNotIn("已超过整改时限", overall)
        url = f"/meetings/{self.last_meeting.pk}/documents/rectification-list/download/"
        lines = docx_lines(self.client.get(url, {"format": "docx"}).content)
        self.assertFalse([line for line in lines if "已超期" in line])

    def test_a_carried_item_is_neither_updated_nor_carried_again(self) -> None:
        original = self.originals().get(owner__name="李华")
        with self.assertRaisesMessage(ValidationError, "该事项已结转到下一年度"):
            progress_update(actor=self.member, item=original, progress=90, progress_note="又有进展")
        with self.assertRaises(IntegrityError), transaction.atomic():
            RectificationItem.objects.create(
                meeting=self.meeting, number=99, problem_text="再结转一次", measures="措施", carried_from=original
            )
        self.login("member")
        response = self.client.get(self.item_url(original))
        self.assertNotContains(response, "progress-progress")  # no update form on the original

    def test_deleting_the_copy_opens_the_original_again(self) -> None:
        original = self.originals().get(owner__name="李华")
        item_delete(actor=self.preparer, item=original.carried_to.get())
        original.refresh_from_db()
        self.assertEqual(original.status, Status.IN_PROGRESS)
        self.assertEqual(rollup(self.last_meeting).total.open, 1)


class PaperPreviousYearTest(RectificationTestCase):
    """The 2025 meeting as a unit's first year in 明镜: no previous meeting in the system."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Meeting.objects.filter(pk=cls.meeting.pk).update(previous=None)
        cls.meeting.refresh_from_db()
        cls.url = reverse("rectification:previous_year", args=[cls.meeting.pk])

    def post(self, lines: list[dict[str, str]], name: str = "2024年度民主生活会", persona: str = "preparer"):
        self.login(persona)
        data = {
            "previous_name": name,
            "note": "纸质台账存局办公室",
            "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
        }
        for n, line in enumerate(lines):
            data |= {f"lines-{n}-{k}": v for k, v in ({"state": "done"} | line).items()}
        return self.client.post(self.url, data)

    def section(self, owner=None) -> list[str]:
        text = generate_skeleton(meeting=self.meeting, owner=owner)
        return text.split("一、上年度整改落实情况\n", 1)[1].split("\n二、检视查摆问题", 1)[0].splitlines()

    def test_without_a_record_the_section_is_to_be_filled(self) -> None:
        self.assertEqual(self.section(), ["【待补充】"])
        self.assertEqual(carry_over(self.meeting).summary, "【待补充】")

    def test_items_and_counts_by_theme_fill_the_material_and_the_report(self) -> None:
        response = self.post(
            [
                {"theme": "始终把党的政治建设摆在首位", "count": "4", "state": "done"},
                {"theme": "坚持不懈深化理论武装", "count": "3", "state": "long_term"},
                {"text": "班子成员深入基层调研不够", "state": "in_progress"},
                {"owner_name": "李华", "text": "分管领域项目资金拨付进度滞后", "state": "done"},
                {},  # a blank line is not saved
            ]
        )
        self.assertRedirects(response, self.ledger_url())
        summary = "2024年度民主生活会查摆问题确定的9项整改事项，已整改完成5项，正在整改1项，需长期坚持3项。"
        self.assertEqual(carry_over(self.meeting).summary, summary)
        team = self.section()
        self.assertEqual(team[0], "针对" + summary)
        self.assertTrue(team[1].startswith("一是始终把党的政治建设摆在首位方面的4项整改事项，目前已完成。"))
        self.assertTrue(team[3].startswith("三是关于“班子成员深入基层调研不够”的问题，目前正在整改。"))
        member = self.section(self.roster["李华"])
        self.assertEqual(member[0], "针对上年度本人查摆问题确定的1项整改事项，已整改完成1项。")
        # The 情况报告 briefs it, as it briefs a ledger kept in 明镜.
        lines = docx_lines(self.client.get(f"/meetings/{self.meeting.pk}/documents/report/download/").content)
        briefing = next(line for line in lines if line.startswith("会上，书面通报了"))
        self.assertIn("会上，书面通报了2024年度民主生活会整改措施落实情况：" + summary, briefing)
        # The ledger page shows it with the link to change it.
        page = self.client.get(self.ledger_url())
        self.assertContains(page, summary)
        self.assertContains(page, "修改上年度整改情况（纸质台账）")

    def test_errors_name_the_line_and_the_column_and_nothing_is_saved(self) -> None:
        response = self.post([{"text": "问题"}, {"text": "问题" * 151}])
        self.assertContains(response, "第2行「问题或整改事项」：问题或整改事项最多300字（现有302字）", status_code=400)
        self.assertContains(response, "最多300字", status_code=400)  # shown beside the field too
        response = self.post([{"text": "问题"}, {"owner_name": "李华"}])
        self.assertContains(response, "第2行：请填写「问题或整改事项」", status_code=400)
        with self.assertRaisesMessage(ValidationError, "第1行「问题或整改事项」：最多300字（现有302字）"):
            previous_year_save(
                actor=self.preparer, meeting=self.meeting, previous_name="x", lines=[{"text": "问题" * 151}]
            )
        self.assertEqual(carry_over(self.meeting).summary, "【待补充】")

    def test_only_who_defines_the_ledger_records_it(self) -> None:
        self.assertEqual(self.post([{"text": "问题"}], persona="member").status_code, 403)
        with self.assertRaises(PermissionDenied):
            previous_year_save(actor=self.member, meeting=self.meeting, previous_name="x", lines=[{"text": "问题"}])
        self.assertEqual(self.post([{"text": "问题"}], persona="principal").status_code, 302)

    def test_a_ledger_in_mingjing_wins_over_the_paper_record(self) -> None:
        self.post([{"text": "纸上的问题"}])
        Meeting.objects.filter(pk=self.meeting.pk).update(previous=self.last_meeting)
        self.meeting.refresh_from_db()
        data = carry_over(self.meeting)
        self.assertEqual(data.previous, self.last_meeting)
        self.assertEqual(data.total, 5)


class DatesTest(RectificationTestCase):
    """The 2025 meeting is held on its planned date; what follows it is dated after it."""

    def test_a_deadline_before_the_meeting_is_refused_on_the_page_and_in_the_service(self) -> None:
        self.login("preparer")
        response = self.client.post(
            reverse("rectification:create", args=[self.meeting.pk]),
            {"owner": "", "problem_text": "问题", "measures": "措施", "deadline": "2020-06-30"},
        )
        self.assertContains(response, "整改时限应在", status_code=200)
        self.assertContains(response, "本次民主生活会于")
        self.assertFalse(RectificationItem.objects.filter(meeting=self.meeting, problem_text="问题").exists())
        with self.assertRaisesMessage(ValidationError, "整改时限应在"):
            self.item(None, deadline=dt.date(2020, 6, 30))
        with self.assertRaisesMessage(ValidationError, "整改时限应在"):
            self.item(None, deadline=dt.date(9999, 12, 31))
        item = self.item(None)  # 2027-06-30: after the meeting
        self.assertEqual(item.deadline, dt.date(2027, 6, 30))

    def test_a_carried_copy_keeps_last_years_deadline_but_a_new_one_falls_after_the_meeting(self) -> None:
        copy = RectificationItem.objects.get(meeting=self.meeting, owner__name="李华")
        self.assertEqual(copy.deadline, dt.date(2026, 10, 30))
        self.login("preparer")
        url = self.item_url(copy, "edit")
        data = {
            "owner": copy.owner_id,
            "problem_text": copy.problem_text,
            "measures": "新措施",
            "deadline": "2026-10-30",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        response = self.client.post(url, data | {"deadline": "2025-12-31"})
        self.assertContains(response, "整改时限应在")

    def test_milestones_and_notices_fall_after_the_meeting(self) -> None:
        item = self.item("李华")
        before = self.meeting.planned_date - dt.timedelta(days=30)
        with self.assertRaisesMessage(ValidationError, "进展节点的日期应在"):
            milestone_add(actor=self.member, item=item, date=before, text="召开专题会", files=[pdf()])
        with self.assertRaisesMessage(ValidationError, "公示（通报）日期应在"):
            notice_create(actor=self.preparer, meeting=self.meeting, kind="publicity", scope="全局", channel="公示栏",
                          published_on=before)  # fmt: skip
        self.assertFalse(Notice.objects.filter(meeting=self.meeting).exists())


class LengthsTest(RectificationTestCase):
    def test_the_item_form_shows_and_enforces_the_limits(self) -> None:
        self.login("preparer")
        url = reverse("rectification:create", args=[self.meeting.pk])
        page = self.client.get(url)
        self.assertContains(page, "最多1000字")
        self.assertContains(page, "最多2000字")
        response = self.client.post(
            url, {"owner": "", "problem_text": "问" * 1001, "measures": "措施", "deadline": "2027-06-30"}
        )
        self.assertContains(response, "问题最多1000字（现有1001字）")
        self.assertNotContains(response, "确保")

    def test_the_services_refuse_too_long_texts_naming_the_field(self) -> None:
        with self.assertRaisesMessage(ValidationError, "整改措施最多2000字（现有2001字）"):
            self.item(None, measures="措" * 2001)
        item = self.item("李华")
        with self.assertRaisesMessage(ValidationError, "进展内容最多1000字"):
            milestone_add(actor=self.member, item=item, date=self.meeting.planned_date, text="进" * 1001)

    def test_the_notice_form_names_the_field(self) -> None:
        self.login("preparer")
        response = self.client.post(
            reverse("rectification:notice_create", args=[self.meeting.pk]),
            {"kind": "publicity", "scope": "全" * 201, "channel": "公示栏", "published_on": "2026-11-24"},
        )
        self.assertContains(response, "范围最多200字（现有201字）")
        self.assertContains(response, "最多30000字")
