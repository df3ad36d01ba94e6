"""The rectification ledger driven through the test client, as its users would."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.lib.dates import today
from mingjing.meetings.models import StepCompletion
from mingjing.problems.models import Problem
from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.ledger_xlsx import KEY, NOTE, PROBLEM, PROGRESS, STATUS
from mingjing.rectification.models import EvidenceFile, Notice, RectificationItem, RectificationSettings, Status
from mingjing.rectification.selectors import carry_over, rollup
from mingjing.rectification.services import closure_request, item_create, item_delete, notice_create
from mingjing.test import BaseTestCase

MEDIA = tempfile.mkdtemp(prefix="mingjing-rectification-tests-")


def pdf(name: str = "会议记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EVIDENCE_PDF, content_type="application/pdf")


@override_settings(MEDIA_ROOT=MEDIA)
class RectificationTestCase(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.roster = {e.name: e for e in cls.meeting.roster.all()}

    def item(self, owner: str | None, text: str = "问题", deadline: dt.date | None = None, **kwargs):
        return item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=self.roster[owner] if owner else None,
            problem_text=text,
            measures=kwargs.pop("measures", "措施"),
            deadline=deadline or dt.date(2027, 6, 30),
            **kwargs,
        )

    def ledger_url(self, meeting=None) -> str:
        return reverse("rectification:ledger", args=[(meeting or self.meeting).pk])

    def item_url(self, item, action: str = "item") -> str:
        return reverse(f"rectification:{action}", args=[item.pk])


class DemoAndCarryOverTest(RectificationTestCase):
    def test_last_year_ledger_is_read_for_this_meeting(self) -> None:
        result = carry_over(self.meeting)
        self.assertEqual(result.previous, self.last_meeting)
        self.assertEqual((result.total, result.done, result.in_progress, result.long_term), (5, 3, 1, 1))
        self.assertIn("5项整改事项，已整改完成3项，正在整改1项，需长期坚持1项", result.summary)
        self.assertEqual([line.owner_label for line in result.team_lines], ["领导班子", "领导班子"])

    def test_open_items_were_carried_once_and_count_by_their_successor(self) -> None:
        carried = RectificationItem.objects.filter(meeting=self.meeting, carried_from__isnull=False)
        self.assertEqual(carried.count(), 2)
        self.assertEqual({i.carried_from.meeting_id for i in carried}, {self.last_meeting.pk})
        lihua = carried.get(owner__name="李华")
        self.assertEqual(lihua.status, Status.IN_PROGRESS)
        self.assertEqual(lihua.progress, 60)
        # Closing the successor this year makes last year's item count as done.
        closure_request(actor=self.member, item=lihua, note="已完成", files=[pdf()])
        lihua.status, lihua.closed_on = Status.CLOSED, today()
        lihua.save()
        self.assertEqual(carry_over(self.meeting).done, 4)

    def test_carrying_again_adds_nothing_and_says_so(self) -> None:
        self.login("preparer")
        response = self.client.post(reverse("rectification:carry_over", args=[self.meeting.pk]), follow=True)
        self.assertContains(response, "上年度台账中没有需要结转的未完成事项")
        self.assertEqual(RectificationItem.objects.filter(meeting=self.meeting).count(), 2)

    def test_a_member_who_left_the_team_hands_his_items_to_the_team(self) -> None:
        for item in self.meeting.rectification_items.all():
            item_delete(actor=self.preparer, item=item)  # deleting a copy opens its original again
        self.meeting.roster.filter(name="李华").delete()  # 李华 left the team before this year's meeting
        self.login("preparer")
        response = self.client.post(reverse("rectification:carry_over", args=[self.meeting.pk]), follow=True)
        self.assertContains(response, "已将上年度2项未完成整改事项结转到本年度台账；李华已不在本届班子中")
        self.assertEqual(RectificationItem.objects.filter(meeting=self.meeting, owner=None).count(), 2)

    def test_ledger_shows_last_year_summary_and_links(self) -> None:
        self.login("principal")
        response = self.client.get(self.ledger_url())
        self.assertContains(response, "上年度整改落实情况")
        self.assertContains(response, "已整改完成3项，正在整改1项，需长期坚持1项")
        self.assertContains(response, "上年度结转")
        # The carried 2024 item was due three days before the demo day: overdue, with the escalation mark.
        self.assertContains(response, "督办")


class LedgerPagesTest(RectificationTestCase):
    def test_preparer_adds_an_item_directly_and_sees_it_in_the_team_plan(self) -> None:
        self.login("preparer")
        response = self.client.post(
            reverse("rectification:create", args=[self.meeting.pk]),
            {
                "owner": "",
                "problem_text": "督导组点评指出：整改措施针对性不强",
                "measures": "逐项细化整改措施，明确完成标准",
                "responsible_leader": self.roster["张明"].pk,
                "deadline": "2027-03-31",
            },
            follow=True,
        )
        self.assertContains(response, "整改事项已添加")
        self.assertContains(response, "督导组点评指出：整改措施针对性不强")
        item = RectificationItem.objects.get(problem_text__startswith="督导组点评指出")
        self.assertIsNone(item.owner)
        self.assertContains(self.client.get(self.ledger_url()), item.key)

    def test_missing_deadline_is_named_and_nothing_is_saved(self) -> None:
        self.login("principal")
        before = RectificationItem.objects.count()
        response = self.client.post(
            reverse("rectification:create", args=[self.meeting.pk]),
            {"owner": self.roster["王芳"].pk, "problem_text": "问题", "measures": "措施"},
        )
        self.assertContains(response, "整改时限：请填写整改时限，或勾选“长期坚持”")
        self.assertEqual(RectificationItem.objects.count(), before)

    def test_a_problem_from_another_list_is_refused(self) -> None:
        team_problem = Problem.objects.filter(meeting=self.meeting, member=None).first()
        self.login("preparer")
        response = self.client.post(
            reverse("rectification:create", args=[self.meeting.pk]),
            {
                "owner": self.roster["王芳"].pk,
                "problem": team_problem.pk,
                "problem_text": "问题",
                "measures": "措施",
                "long_term": "on",
            },
        )
        self.assertContains(response, "对应的查摆问题：只能选择王芳的查摆问题（问题与所属清单不一致）")

    def test_items_are_generated_from_problems_into_their_lists(self) -> None:
        problems = list(Problem.objects.filter(meeting=self.meeting))
        self.assertTrue(any(p.member is None for p in problems) and any(p.member for p in problems))
        self.login("principal")
        response = self.client.post(
            reverse("rectification:from_problems", args=[self.meeting.pk]),
            {"problems": [p.pk for p in problems], "per_problem": "2", "deadline": "2027-06-30"},
            follow=True,
        )
        self.assertContains(response, "已依据查摆问题生成整改事项")
        generated = RectificationItem.objects.filter(meeting=self.meeting, problem__isnull=False)
        self.assertEqual(generated.count(), 2 * len(problems))
        for item in generated:
            self.assertEqual(item.owner_id, item.problem.member_id)
            self.assertTrue(item.problem_text.startswith(item.problem.description.strip()))
        event = AuditEvent.objects.get(event_type="rectification.generated", object_id=self.meeting.pk)
        self.assertEqual(event.extra["count"], 2 * len(problems))
        history = self.client.get(self.item_url(generated.first())).content.decode()
        self.assertIn(f"依据查摆问题生成了{2 * len(problems)}项整改事项", history)

    def test_the_rectification_step_completes_when_every_list_has_items(self) -> None:
        done = StepCompletion.objects.filter(meeting=self.meeting, step="rectification")
        self.assertFalse(done.exists())
        self.item(None)
        for name in ("张明", "李华", "王芳"):
            self.item(name)
        self.assertFalse(done.exists())
        last = self.item("赵强")
        self.assertTrue(done.exists())
        item_delete(actor=self.preparer, item=last)
        self.assertFalse(done.exists())

    def test_member_sees_only_his_own_items(self) -> None:
        self.item("王芳", "王芳同志的问题甲")
        self.item(None, "领导班子的问题乙")
        self.item(None, "李华负责的班子问题丙", responsible_leader=self.roster["李华"])
        self.login("member")
        response = self.client.get(self.ledger_url())
        self.assertContains(response, "您只能查看和更新本人的整改事项")
        self.assertContains(response, "李华负责的班子问题丙")
        self.assertContains(response, "李华同志整改清单")
        self.assertNotContains(response, "王芳同志的问题甲")
        self.assertNotContains(response, "领导班子的问题乙")
        self.assertNotContains(response, "王芳同志整改清单")
        # The principal sees everything.
        self.login("principal")
        response = self.client.get(self.ledger_url())
        self.assertContains(response, "王芳同志的问题甲")
        self.assertContains(response, "领导班子的问题乙")

    def test_member_cannot_update_another_members_item(self) -> None:
        other = self.item("王芳")
        self.login("member")
        response = self.client.post(
            self.item_url(other, "progress"), {"progress-progress": "50", "progress-progress_note": "x"}
        )
        self.assertEqual(response.status_code, 403)
        other.refresh_from_db()
        self.assertEqual(other.progress, 0)

    def test_rollup_per_member_and_team(self) -> None:
        a = self.item("王芳", deadline=today() - dt.timedelta(days=1))
        self.item("王芳", deadline=today() + dt.timedelta(days=5))
        a.progress = 40
        a.save()
        result = rollup(self.meeting)
        wangfang = next(g for g in result.groups if g.owner and g.owner.name == "王芳")
        self.assertEqual((wangfang.total, wangfang.overdue, wangfang.warning, wangfang.progress), (2, 1, 1, 20))
        self.assertEqual(result.total.total, RectificationItem.objects.filter(meeting=self.meeting).count())

    def test_an_item_whose_responsible_person_left_can_still_be_edited(self) -> None:
        from mingjing.organizations.models import Person

        person = Person.objects.get(organization=self.bureau, name="孙丽")
        item = self.item("李华", responsible_person=person)
        Person.objects.filter(pk=person.pk).update(is_active=False)
        self.login("preparer")
        data = {"owner": self.roster["李华"].pk, "problem_text": "问题", "measures": "新措施"}
        response = self.client.post(
            self.item_url(item, "edit"), {**data, "responsible_person": person.pk, "deadline": "2027-06-30"}
        )
        self.assertRedirects(response, self.item_url(item), fetch_redirect_response=False)
        item.refresh_from_db()
        self.assertEqual((item.measures, item.responsible_person_id), ("新措施", person.pk))
        # A new item still offers active people only.
        form = self.client.get(reverse("rectification:create", args=[self.meeting.pk])).context["form"]
        self.assertNotIn(person, form.fields["responsible_person"].queryset)


class DeadlineMarksTest(RectificationTestCase):
    def test_warnings_at_20_and_10_days_and_escalation_when_overdue(self) -> None:
        t = today()
        self.item("李华", "二十天内到期的问题", deadline=t + dt.timedelta(days=15))
        self.item("李华", "十天内到期的问题", deadline=t + dt.timedelta(days=7))
        self.item("李华", "已经逾期的问题", deadline=t - dt.timedelta(days=3))
        self.item("李华", "还早的问题", deadline=t + dt.timedelta(days=40))
        self.login("member")
        page = self.client.get(self.ledger_url()).content.decode()
        self.assertIn('<span class="badge state-soon mark-warning">剩15天到期</span>', page)
        self.assertIn('<span class="badge state-late mark-urgent">剩7天到期</span>', page)
        self.assertIn('<span class="badge state-late mark-overdue">已逾期3天·督办</span>', page)
        self.assertNotIn("剩40天到期", page)
        # The meeting page and 我的整改 show them too.
        meeting_page = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        self.assertContains(meeting_page, "整改逾期2项·督办")  # his carried 2024 item and the new one
        self.assertContains(meeting_page, "临近时限2项")
        self.assertContains(self.client.get(reverse("rectification:mine")), "已逾期3天·督办")

    def test_warning_days_are_a_setting_of_the_meeting(self) -> None:
        self.item("李华", "三十天内到期的问题", deadline=today() + dt.timedelta(days=30))
        self.login("preparer")
        self.assertNotContains(self.client.get(self.ledger_url()), "剩30天到期")
        response = self.client.post(
            reverse("rectification:settings", args=[self.meeting.pk]),
            {"first_warning_days": "30", "second_warning_days": "40"},
        )
        self.assertContains(response, "第二次提醒应晚于第一次提醒")
        response = self.client.post(
            reverse("rectification:settings", args=[self.meeting.pk]),
            {"first_warning_days": "30", "second_warning_days": "5"},
            follow=True,
        )
        self.assertContains(response, "整改台账设置已保存")
        self.assertContains(response, "剩30天到期")
        self.assertContains(response, "到期前30天、5天提醒")

    def test_closed_items_carry_no_mark(self) -> None:
        item = self.item("李华", "已销号的问题", deadline=today() - dt.timedelta(days=3))
        item.status = Status.CLOSED
        item.save()
        self.login("member")
        self.assertNotContains(self.client.get(self.item_url(item)), "督办")


class ClosureTest(RectificationTestCase):
    def test_member_requests_closure_with_a_file_and_the_principal_verifies(self) -> None:
        item = self.item("李华", "调研不够深入")
        self.login("member")
        response = self.client.post(
            self.item_url(item, "request"),
            {"closure-note": "已完成4次调研并形成报告", "closure-files": [pdf()]},
            follow=True,
        )
        self.assertContains(response, "已提交销号申请，等待审核")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.REQUESTED)
        self.assertContains(response, "会议记录.pdf")
        # He cannot verify his own request.
        self.assertEqual(self.client.post(self.item_url(item, "verify")).status_code, 403)
        self.login("preparer")
        self.assertEqual(self.client.post(self.item_url(item, "verify")).status_code, 403)
        self.login("principal")
        response = self.client.post(self.item_url(item, "verify"), follow=True)
        self.assertContains(response, "已审核同意，事项已销号")
        item.refresh_from_db()
        self.assertEqual((item.status, item.closed_on, item.progress), (Status.CLOSED, today(), 100))
        self.assertContains(response, '<span class="badge status-closed" id="item-status">已销号</span>', html=False)
        self.assertContains(response, "李华（班子成员） 于")
        self.assertContains(response, "申请销号（已完成4次调研并形成报告）")
        self.assertContains(response, "张明（主要负责同志） 于")
        self.assertContains(response, "审核同意销号")

    def test_closure_needs_evidence(self) -> None:
        item = self.item("李华")
        self.login("member")
        response = self.client.post(self.item_url(item, "request"), {"closure-note": "已完成"})
        self.assertContains(response, "申请销号须上传至少一份佐证材料", status_code=400)
        item.refresh_from_db()
        self.assertEqual(item.status, Status.NOT_STARTED)

    def test_closure_cannot_skip_verification(self) -> None:
        item = self.item("李华")
        self.login("principal")
        response = self.client.post(self.item_url(item, "verify"), follow=True)
        self.assertContains(response, "“未开始”状态的整改事项不能审核销号")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.NOT_STARTED)

    def test_principal_returns_with_a_reason_and_the_member_asks_again(self) -> None:
        item = self.item("李华")
        closure_request(actor=self.member, item=item, note="已完成", files=[pdf()])
        self.login("principal")
        response = self.client.post(self.item_url(item, "return"), {"return-reason": ""})
        self.assertContains(response, "理由：这个字段是必填项。", status_code=400)
        response = self.client.post(self.item_url(item, "return"), {"return-reason": "佐证材料不足"}, follow=True)
        self.assertContains(response, "退回销号申请，理由：佐证材料不足")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.RETURNED)
        # The earlier evidence still counts for the next request.
        self.login("member")
        self.client.post(self.item_url(item, "request"), {"closure-note": "补充了会议记录"})
        item.refresh_from_db()
        self.assertEqual(item.status, Status.REQUESTED)

    def test_team_items_need_the_supervisors_verification_when_configured(self) -> None:
        RectificationSettings.objects.create(meeting=self.meeting, team_needs_review=True)
        item = self.item(None, "班子问题")
        closure_request(actor=self.principal, item=item, note="已完成", files=[pdf()])
        self.login("supervisor")
        self.assertEqual(self.client.post(self.item_url(item, "verify")).status_code, 403)
        self.login("principal")
        response = self.client.post(self.item_url(item, "verify"), follow=True)
        self.assertContains(response, "已审核同意，等待督导组审核销号")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.REQUESTED)
        self.assertEqual(self.client.post(self.item_url(item, "verify")).status_code, 403)
        self.login("supervisor")
        response = self.client.post(self.item_url(item, "verify"), follow=True)
        self.assertContains(response, "已审核同意，事项已销号")
        self.assertContains(response, "马骏")
        # A member's item is closed by the principal alone.
        own = self.item("李华")
        closure_request(actor=self.member, item=own, note="已完成", files=[pdf()])
        self.login("principal")
        self.client.post(self.item_url(own, "verify"))
        own.refresh_from_db()
        self.assertEqual(own.status, Status.CLOSED)

    def test_preparer_reopens_a_closed_item_with_a_reason(self) -> None:
        closed = RectificationItem.objects.filter(meeting=self.last_meeting, status=Status.CLOSED).first()
        self.login("preparer")
        response = self.client.post(self.item_url(closed, "reopen"), {"reopen-reason": "复查发现问题反弹"}, follow=True)
        self.assertContains(response, "重新打开了已销号的事项，理由：复查发现问题反弹")
        closed.refresh_from_db()
        self.assertEqual((closed.status, closed.closed_on), (Status.IN_PROGRESS, None))

    def test_progress_and_milestones(self) -> None:
        item = self.item("李华")
        self.login("member")
        response = self.client.post(
            self.item_url(item, "progress"), {"progress-progress": "130", "progress-progress_note": "x"}
        )
        self.assertEqual(response.status_code, 400)
        response = self.client.post(
            self.item_url(item, "progress"),
            {"progress-progress": "40", "progress-progress_note": "已召开专题会"},
            follow=True,
        )
        self.assertContains(response, "更新了整改进展：完成比例（%）由“0”改为“40”")
        item.refresh_from_db()
        self.assertEqual(item.status, Status.IN_PROGRESS)
        response = self.client.post(
            self.item_url(item, "milestone"),
            {
                "milestone-date": today().isoformat(),
                "milestone-text": "印发管理办法",
                "milestone-files": [pdf("管理办法.pdf")],
            },
            follow=True,
        )
        self.assertContains(response, "登记了整改进展节点“印发管理办法”（附件1个）")
        self.assertContains(response, "管理办法.pdf")


class EvidenceFileTest(RectificationTestCase):
    def request(self, upload):
        item = self.item("李华")
        self.login("member")
        return item, self.client.post(
            self.item_url(item, "request"), {"closure-note": "已完成", "closure-files": [upload]}
        )

    def test_stored_with_size_hash_and_type_and_downloaded_as_attachment(self) -> None:
        item, response = self.request(pdf("整改报告.pdf"))
        self.assertEqual(response.status_code, 302)
        evidence = EvidenceFile.objects.get(item=item)
        self.assertEqual(evidence.size, len(EVIDENCE_PDF))
        self.assertEqual(evidence.sha256, hashlib.sha256(EVIDENCE_PDF).hexdigest())
        self.assertEqual(evidence.content_type, "application/pdf")
        self.assertTrue(evidence.file.name.startswith("rectification/"))
        self.assertNotIn("整改报告", evidence.file.name)
        response = self.client.get(reverse("rectification:evidence", args=[evidence.pk]))
        self.assertEqual(response.content, EVIDENCE_PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertIn("filename*=UTF-8''%E6%95%B4", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_html_is_refused(self) -> None:
        item, response = self.request(SimpleUploadedFile("x.html", b"<script>alert(1)</script>", "text/html"))
        self.assertContains(response, "「x.html」的文件类型不允许上传，只能上传", status_code=400)
        self.assertFalse(EvidenceFile.objects.filter(item=item).exists())

    def test_content_must_match_the_extension(self) -> None:
        html = b"<html><script>1</script></html>"
        item, response = self.request(SimpleUploadedFile("x.pdf", html, "application/pdf"))
        self.assertContains(response, "「x.pdf」的内容与扩展名 .pdf 不符", status_code=400)
        item.refresh_from_db()
        self.assertEqual(item.status, Status.NOT_STARTED)

    @override_settings(MAX_EVIDENCE_BYTES=100)
    def test_size_limit(self) -> None:
        item, response = self.request(pdf("大文件.pdf"))
        self.assertContains(response, "「大文件.pdf」超过大小限制", status_code=400)

    def test_another_members_evidence_is_not_downloadable(self) -> None:
        other = self.item("王芳")
        closure_request(actor=self.preparer, item=other, note="已完成", files=[pdf()])
        self.login("member")
        evidence = other.evidence_files.get()
        self.assertEqual(self.client.get(reverse("rectification:evidence", args=[evidence.pk])).status_code, 403)


class XlsxRoundTripTest(RectificationTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.a = item_create(
            actor=None,
            meeting=cls.meeting,
            owner=cls.roster["李华"],
            problem_text="=SUM(A1:A9)",
            measures="+措施",
            deadline=dt.date(2027, 6, 30),
        )
        cls.b = item_create(
            actor=None,
            meeting=cls.meeting,
            owner=None,
            problem_text="班子问题B",
            measures="措施B",
            deadline=dt.date(2027, 6, 30),
        )
        cls.c = item_create(
            actor=None,
            meeting=cls.meeting,
            owner=cls.roster["王芳"],
            problem_text="王芳问题C",
            measures="措施C",
            long_term=True,
        )

    def export(self, persona: str = "preparer"):
        self.login(persona)
        response = self.client.get(reverse("rectification:export", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        return load_workbook(io.BytesIO(response.content))

    def rows(self, wb) -> tuple[dict[str, int], dict[str, int]]:
        ws = wb.worksheets[0]
        headers = {c.value: c.column for c in ws[1]}
        by_key = {ws.cell(row=r, column=headers[KEY]).value: r for r in range(2, ws.max_row + 1)}
        return headers, by_key

    def set(self, wb, key: str, column: str, value) -> None:
        headers, by_key = self.rows(wb)
        wb.worksheets[0].cell(row=by_key[key], column=headers[column]).value = value

    def upload(self, wb):
        buffer = io.BytesIO()
        wb.save(buffer)
        upload = SimpleUploadedFile("台账.xlsx", buffer.getvalue())
        return self.client.post(reverse("rectification:import", args=[self.meeting.pk]), {"file": upload})

    def snapshot(self) -> dict:
        return {
            i.pk: (i.progress, i.progress_note, i.status, i.updated_at)
            for i in RectificationItem.objects.filter(meeting=self.meeting)
        }

    def test_layout_and_formula_neutralisation(self) -> None:
        wb = self.export()
        ws = wb.worksheets[0]
        self.assertEqual(
            [c.value for c in ws[1]][:9],
            ["序号", "问题", "整改措施", "责任领导", "责任科室", "责任人", "整改时限", "进展情况", "状态"],
        )
        headers, by_key = self.rows(wb)
        row = by_key[self.a.key]
        self.assertEqual(ws.cell(row=row, column=headers[PROBLEM]).value, "'=SUM(A1:A9)")
        self.assertEqual(ws.cell(row=row, column=headers["整改措施"]).value, "'+措施")
        self.assertEqual(ws.cell(row=by_key[self.c.key], column=headers["整改时限"]).value, "长期坚持")

    def test_import_changes_exactly_the_edited_items(self) -> None:
        wb = self.export()
        self.set(wb, self.a.key, NOTE, "已完成调研2次")
        self.set(wb, self.a.key, PROGRESS, 50)
        self.set(wb, self.b.key, STATUS, "整改中")
        self.set(wb, self.c.key, PROBLEM, "在表格里改了问题（不导入）")
        before = self.snapshot()
        response = self.upload(wb)
        self.assertContains(response, "预览：将更新2项")
        self.assertContains(response, "进展情况：“（空）” → “已完成调研2次”")
        self.assertEqual(self.snapshot(), before, "the preview writes nothing")
        response = self.client.post(reverse("rectification:import_confirm", args=[self.meeting.pk]), follow=True)
        self.assertContains(response, "导入完成：更新了2项整改事项")
        after = self.snapshot()
        changed = {pk for pk in after if after[pk] != before[pk]}
        self.assertEqual(changed, {self.a.pk, self.b.pk})
        self.assertEqual(after[self.a.pk][:3], (50, "已完成调研2次", Status.IN_PROGRESS))
        self.assertEqual(after[self.b.pk][2], Status.IN_PROGRESS)
        self.c.refresh_from_db()
        self.assertEqual(self.c.problem_text, "王芳问题C")
        events = AuditEvent.objects.filter(event_type="rectification.imported")
        self.assertEqual(events.count(), 1)
        self.assertEqual(events.get().extra["count"], 2)
        history = self.client.get(self.item_url(self.a)).content.decode()
        self.assertIn("通过表格导入更新了2项整改事项的进展；本事项：进展情况由“（空）”改为“已完成调研2次”", history)
        # Confirming twice does nothing more.
        self.client.post(reverse("rectification:import_confirm", args=[self.meeting.pk]))
        self.assertEqual(events.count(), 1)

    def test_one_bad_row_changes_nothing(self) -> None:
        wb = self.export()
        self.set(wb, self.a.key, NOTE, "好的修改")
        self.set(wb, self.b.key, PROGRESS, "120")
        self.set(wb, self.c.key, NOTE, "长" * 2001)
        before = self.snapshot()
        response = self.upload(wb)
        self.assertEqual(response.status_code, 400)
        _, by_key = self.rows(wb)
        bad_progress = f"第{by_key[self.b.key]}行「完成比例（%）」：应为0到100之间的整数"
        self.assertContains(response, bad_progress, status_code=400)
        self.assertContains(response, f"第{by_key[self.c.key]}行「进展情况」：不能超过2000字", status_code=400)
        self.assertNotContains(response, "确认导入", status_code=400)
        response = self.client.post(reverse("rectification:import_confirm", args=[self.meeting.pk]), follow=True)
        self.assertContains(response, "没有待确认的导入")
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(AuditEvent.objects.filter(event_type="rectification.imported").exists())

    def test_status_cannot_be_closed_from_the_sheet_and_keys_must_exist(self) -> None:
        wb = self.export()
        self.set(wb, self.a.key, STATUS, "已销号")
        self.set(wb, self.b.key, KEY, "ZG999-001")
        response = self.upload(wb)
        self.assertContains(response, "「状态」：不能在表格中改为“已销号”", status_code=400)
        self.assertContains(response, "「编号」：本台账中没有编号为“ZG999-001”的整改事项", status_code=400)

    def test_preview_is_refused_when_the_ledger_changed_since(self) -> None:
        wb = self.export()
        self.set(wb, self.a.key, PROGRESS, 30)
        self.upload(wb)
        RectificationItem.objects.filter(pk=self.a.pk).update(progress=10)
        response = self.client.post(reverse("rectification:import_confirm", args=[self.meeting.pk]))
        self.assertContains(response, "预览之后台账已有变化", status_code=400)

    def test_member_exports_and_imports_only_his_items(self) -> None:
        wb = self.export("member")
        _, by_key = self.rows(wb)
        self.assertIn(self.a.key, by_key)
        self.assertNotIn(self.b.key, by_key)
        self.assertNotIn(self.c.key, by_key)
        # A row for someone else's item, added by hand, is refused.
        wb.worksheets[0].append([99, "x", "x", "", "", "", "", "改别人的进展", "整改中", 10, "", self.c.key])
        response = self.upload(wb)
        self.assertContains(response, f"您只能更新本人的整改事项，不能更新“{self.c.key}”", status_code=400)

    @override_settings(MAX_IMPORT_BYTES=1024)
    def test_a_sheet_over_the_size_limit_names_the_configured_limit(self) -> None:
        response = self.upload(self.export())
        self.assertContains(response, "文件过大，请上传不超过1 KB的表格", status_code=400)


class NoticeTest(RectificationTestCase):
    def test_notice_text_is_generated_from_the_records(self) -> None:
        self.item(None, "班子的问题甲。", responsible_leader=self.roster["张明"])  # its own full stop: one, not two
        self.item("李华", "李华的问题")
        self.login("preparer")
        response = self.client.post(
            reverse("rectification:notice_create", args=[self.meeting.pk]),
            {
                "kind": "publicity",
                "scope": "全局党员干部",
                "channel": "局一楼公示栏",
                "place": "局机关一楼大厅",
                "published_on": "2026-12-01",
                "until": "2026-12-05",
                "contact": "局机关党委办公室",
            },
            follow=True,
        )
        self.assertContains(response, "公示通报已保存")
        notice = Notice.objects.get(meeting=self.meeting)
        self.assertIn("市农业农村局党组领导班子2025年度民主生活会召开情况及整改措施的公示", notice.text)
        self.assertIn("明确整改事项1项；1名班子成员制定了个人整改清单", notice.text)
        line = "1. 班子的问题甲。整改措施：措施。责任领导（科室）：张明。整改时限：2027年6月30日前。"
        self.assertIn(line, notice.text)
        self.assertIn("公示方式为局一楼公示栏（局机关一楼大厅），公示时间为2026年12月1日至2026年12月5日", notice.text)
        # The meeting has no record yet: its date is not a fact to publish.
        self.assertIn("【待补充】，市农业农村局党组领导班子在局机关三楼会议室召开了", notice.text)
        self.assertTrue(StepCompletion.objects.filter(meeting=self.meeting, step="notice").exists())
        # Edited by hand, then regenerated from the records.
        url = reverse("rectification:notice_edit", args=[notice.pk])
        data = {k: getattr(notice, k) for k in ("kind", "scope", "channel", "place", "contact")}
        data |= {"published_on": "2026-12-01", "until": "2026-12-05", "text": "手工修改的内容"}
        self.client.post(url, data)
        notice.refresh_from_db()
        self.assertEqual(notice.text, "手工修改的内容")
        self.client.post(url, {**data, "channel": "党支部工作群", "regenerate": "on"})
        notice.refresh_from_db()
        self.assertIn("公示方式为党支部工作群", notice.text)

    def test_until_before_date_is_named(self) -> None:
        self.login("principal")
        response = self.client.post(
            reverse("rectification:notice_create", args=[self.meeting.pk]),
            {"kind": "briefing", "scope": "x", "channel": "y", "published_on": "2026-12-05", "until": "2026-12-01"},
        )
        self.assertContains(response, "公示截止日期：公示截止日期不能早于公示日期")


class MyRectificationTest(RectificationTestCase):
    def test_my_page_lists_my_items_across_meetings(self) -> None:
        self.item("王芳", "王芳同志的问题")
        self.item(None, "我是责任人的班子问题", responsible_person=self.roster["李华"].person)
        self.login("member")
        response = self.client.get(reverse("rectification:mine"))
        self.assertContains(response, self.meeting.title)
        self.assertContains(response, self.last_meeting.title)
        self.assertContains(response, "我是责任人的班子问题")
        self.assertContains(response, "分管领域项目资金监管")
        self.assertNotContains(response, "王芳同志的问题")

    def test_nav_and_meeting_page_link(self) -> None:
        self.login("member")
        response = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        self.assertContains(response, f'href="{self.ledger_url()}"')
        self.assertContains(response, f'href="{reverse("rectification:mine")}"')


class ArchivedMeetingTest(RectificationTestCase):
    """Archiving boxes the meeting's materials; rectification goes on all year in its ledger."""

    def test_the_ledger_stays_live_after_the_meeting_is_archived(self) -> None:
        from mingjing.archive.testing import archive_held

        item = self.item("李华", "归档前登记的问题")
        archive_held(actor=self.preparer, meeting=self.meeting)
        self.login("preparer")
        response = self.client.get(self.ledger_url())
        self.assertContains(response, "归档前登记的问题")
        self.assertContains(response, "添加整改事项")
        self.login("member")
        response = self.client.post(self.item_url(item, "progress"), {"progress-progress": "50"})
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.progress, 50)

    def test_items_can_be_added_after_archiving_and_the_timeline_stays_as_archived(self) -> None:
        from mingjing.archive.testing import archive_held
        from mingjing.meetings.models import StepCompletion
        from mingjing.meetings.services import meeting_create

        meeting = meeting_create(
            actor=None,
            organization=self.bureau,
            config=self.meeting.config,
            kind="special",
            planned_date=dt.date(2026, 12, 10),
        )
        archive_held(actor=self.preparer, meeting=meeting)
        entry = meeting.roster.get(name="李华")
        item_create(actor=self.preparer, meeting=meeting, owner=entry, problem_text="归档后发现的问题",
                    measures="措施", deadline=dt.date(2027, 6, 30))  # fmt: skip
        self.assertEqual(RectificationItem.objects.filter(meeting=meeting).count(), 1)
        notice_create(actor=self.preparer, meeting=meeting, kind="publicity", scope="全局党员干部",
                      channel="局一楼公示栏", published_on=dt.date(2027, 1, 12))  # fmt: skip
        self.assertEqual(Notice.objects.filter(meeting=meeting).count(), 1)
        self.assertFalse(StepCompletion.objects.filter(meeting=meeting, step="notice").exists())
