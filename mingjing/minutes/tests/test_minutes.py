"""The meeting record, driven through its pages as the recorder (demo-preparer) and readers use them."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mingjing.audit.models import AuditEvent
from mingjing.audit.selectors import without_superseded
from mingjing.meetings.models import StepCompletion
from mingjing.meetings.services import meeting_create
from mingjing.minutes.models import AgendaItem, Attendance, Criticism, MeetingRecord, MemberSpeech, Observer
from mingjing.minutes.rules import SUGGESTION_WARNING, criticism_warning
from mingjing.minutes.services import FINAL_ERROR, criticism_add, minutes_start, minutes_update
from mingjing.organizations.models import TeamRole
from mingjing.organizations.services import person_create
from mingjing.problems.models import Problem
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig

HOPE = "希望李华同志继续加强理论学习。要多到基层调研。"
REAL = "调研多在机关听汇报，深入基层解决问题少，比如全年到乡镇蹲点不足3次。"


class MinutesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login("preparer")
        self.base = f"/meetings/{self.meeting.pk}/minutes/"

    def entry(self, name: str):
        return self.meeting.roster.get(name=name)

    def start(self) -> MeetingRecord:
        response = self.client.post(self.base + "start/")
        self.assertRedirects(response, self.base + "live/")
        return MeetingRecord.objects.get(meeting=self.meeting)

    def save(self, kind: str, row=None, **values):
        data = {"kind": kind, **values}
        if row is not None:
            data["id"] = row.pk
        response = self.client.post(self.base + "save/", data)
        return response.status_code, json.loads(response.content)

    def add_criticism(self, to: str, giver: str, text: str, points: int = 1) -> Criticism:
        response = self.client.post(self.base + "rows/add/", {"kind": "criticism", "to": self.entry(to).pk},
                                    HTTP_HX_REQUEST="true")  # fmt: skip
        self.assertEqual(response.status_code, 200)
        row = Criticism.objects.latest("id")
        status, body = self.save("criticism", row, from_entry=self.entry(giver).pk, points=str(points), text=text)
        self.assertEqual(status, 200, body)
        row.refresh_from_db()
        return row


class StartAndAutosaveTest(MinutesTestCase):
    def test_demo_has_no_record_for_2025_and_a_final_one_for_2024(self):
        self.assertFalse(MeetingRecord.objects.filter(meeting=self.meeting).exists())
        last = MeetingRecord.objects.get(meeting=self.last_meeting)
        self.assertTrue(last.is_final)
        page = self.client.get(f"/meetings/{self.last_meeting.pk}/minutes/").content.decode()
        self.assertIn("应到4人，实到4人，符合2/3要求", page)
        self.assertIn("相互提出批评意见7条（4人次）", page)

    def test_start_fills_the_record_from_the_meeting_and_the_year(self):
        page = self.client.get(self.base).content.decode()
        self.assertIn("本次会议尚未开始会议记录", page)
        record = self.start()
        self.assertEqual(
            (record.held_on, record.half_day, record.place), (self.meeting.planned_date, "pm", "局机关三楼会议室")
        )
        self.assertEqual(record.chair.name, "张明")
        self.assertEqual(record.recorder, "黄蕾")
        self.assertEqual(record.attendances.filter(status="present").count(), 4)
        agenda = list(AgendaItem.objects.filter(record=record).values_list("text", flat=True))
        self.assertEqual(agenda[0], "通报上年度民主生活会整改落实情况和本次民主生活会征求意见情况")
        self.assertEqual(agenda[1], "通报深入贯彻中央八项规定精神学习教育整改整治情况")  # the 2025 preset's extra item
        self.assertEqual(len(agenda), 7)
        page = self.client.get(self.base + "live/").content.decode()
        self.assertIn("应到4人，实到4人，符合2/3要求", page)
        self.assertIn('data-save-url="/meetings/', page)
        # Starting twice is refused, in Chinese.
        response = self.client.post(self.base + "start/", follow=True)
        self.assertContains(response, "本次会议已有会议记录")

    def test_a_field_is_saved_and_bad_values_are_refused_in_chinese(self):
        record = self.start()
        status, body = self.save("record", place="局机关五楼会议室")
        self.assertEqual(status, 200)
        self.assertRegex(body["saved_at"], r"^\d\d:\d\d:\d\d$")
        record.refresh_from_db()
        self.assertEqual(record.place, "局机关五楼会议室")
        cases = [
            ({"held_on": "2026-13-45"}, "召开日期：请填写有效日期"),
            ({"half_day": "evening"}, "上午/下午：请选择上午或下午"),
            ({"quorum": "三分之二"}, "应到比例：请按“2/3”或“90%”的格式填写"),
            ({"quorum": "4/3"}, "应到比例：比例应大于0且不超过1"),
            ({"chair": str(self.last_meeting.roster.get(name="张明").pk)}, "主持人：只能选择本次会议班子名单中的成员"),
            ({"recorder": "黄" * 51}, "记录人最多50字（现有51字）"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                status, body = self.save("record", **values)
                self.assertEqual(status, 400)
                self.assertIn(message, body["message"])
        record.refresh_from_db()
        self.assertEqual((record.quorum_label, record.half_day), ("2/3", "pm"))
        status, body = self.save("record", quorum="90%")
        self.assertEqual(status, 200)
        record.refresh_from_db()
        self.assertEqual(record.quorum_label, "90/100")

    def test_leave_needs_a_reason_and_the_quorum_statement_follows_attendance(self):
        record = self.start()
        zhao = Attendance.objects.get(record=record, entry__name="赵强")
        status, body = self.save("attendance", zhao, status="leave", leave_reason="")
        self.assertEqual(status, 400)
        self.assertIn("请假事由：赵强请假，须填写请假事由", body["message"])
        self.assertEqual(body["fields"], ["leave_reason"])
        status, body = self.save("attendance", zhao, status="leave", leave_reason="参加省厅会议")
        self.assertEqual((status, body["quorum"]), (200, "应到4人，实到3人，符合2/3要求"))
        wang = Attendance.objects.get(record=record, entry__name="王芳")
        status, body = self.save("attendance", wang, status="leave", leave_reason="病假")
        self.assertEqual(body["quorum"], "应到4人，实到2人，不符合2/3要求（至少应到3人）")
        page = self.client.get(self.base + "live/").content.decode()
        self.assertIn("不符合2/3要求（至少应到3人）", page)
        self.assertIn("请假：病假", page)
        # The finalising refuses a record without a quorum.
        response = self.client.post(self.base + "finalise/", follow=True)
        self.assertContains(response, "不能定稿")
        self.assertContains(response, "不符合2/3要求（至少应到3人），不能定稿")
        record.refresh_from_db()
        self.assertFalse(record.is_final)
        self.save("attendance", wang, status="present", leave_reason="病假")
        self.assertEqual(Attendance.objects.get(pk=wang.pk).leave_reason, "")
        status, body = self.save("record", quorum="90%")
        self.assertEqual(body["quorum"], "应到4人，实到3人，不符合90/100要求（至少应到4人）")

    def test_speaking_order_is_the_principal_then_precedence(self):
        self.start()
        li, zhao = self.entry("李华"), self.entry("赵强")
        li.precedence, zhao.precedence = 9, 2
        li.save()
        zhao.save()
        page = self.client.get(self.base + "live/").content.decode()
        positions = [page.index(f'id="turn-{self.entry(n).pk}"') for n in ("张明", "赵强", "王芳", "李华")]
        self.assertEqual(positions, sorted(positions))
        self.assertLess(page.index("六、领导班子对照检查"), positions[0])


class CriticismTest(MinutesTestCase):
    def test_the_warning_rule(self):
        self.assertEqual(criticism_warning(HOPE), SUGGESTION_WARNING)
        self.assertEqual(criticism_warning("建议多下基层。"), SUGGESTION_WARNING)
        self.assertEqual(criticism_warning("李华同志工作认真负责，值得大家学习。"), SUGGESTION_WARNING)  # praise
        self.assertIsNone(criticism_warning(REAL))
        self.assertIsNone(criticism_warning("希望改进。但抓落实不够，督促检查不到位。"))
        self.assertIsNone(criticism_warning(""))

    def test_a_hope_is_flagged_but_saved_and_a_self_criticism_is_refused(self):
        record = self.start()
        response = self.client.post(self.base + "rows/add/", {"kind": "criticism", "to": self.entry("李华").pk},
                                    HTTP_HX_REQUEST="true")  # fmt: skip
        self.assertContains(response, 'data-kind="criticism"')
        row = Criticism.objects.get(record=record)
        self.assertEqual(row.from_entry.name, "张明")  # the first present member who has not criticised him yet
        status, body = self.save("criticism", row, from_entry=self.entry("张明").pk, points="2", text=HOPE)
        self.assertEqual((status, body["warning"]), (200, SUGGESTION_WARNING))
        self.assertIn("不能以提希望代替点问题", self.client.get(self.base).content.decode())
        status, body = self.save("criticism", row, from_entry=self.entry("张明").pk, points="2", text=REAL)
        self.assertEqual(body["warning"], "")
        status, body = self.save("criticism", row, from_entry=self.entry("李华").pk, points="2", text=REAL)
        self.assertEqual(status, 400)
        self.assertIn("提出人：不能对自己提出批评意见", body["message"])
        for points, message in (("0", "条数应在1到50之间"), ("两", "请填写整数")):
            status, body = self.save("criticism", row, from_entry=self.entry("张明").pk, points=points, text=REAL)
            self.assertEqual(status, 400)
            self.assertIn(message, body["message"])
        row.refresh_from_db()
        self.assertEqual((row.from_entry.name, row.points, row.text), ("张明", 2, REAL))
        # The next row proposes the next member who has not spoken to 李华.
        self.client.post(
            self.base + "rows/add/", {"kind": "criticism", "to": self.entry("李华").pk}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(Criticism.objects.latest("id").from_entry.name, "王芳")
        with self.assertRaisesMessage(ValidationError, "不能对自己提出批评意见"):
            criticism_add(
                actor=self.preparer, record=record, to_entry=self.entry("王芳"), from_entry=self.entry("王芳")
            )

    def test_counts_are_computed(self):
        self.start()
        team = Problem.objects.filter(meeting=self.meeting, member=None).count()  # the problems app's demo
        members = Problem.objects.filter(meeting=self.meeting, member__isnull=False).count()
        mine = Problem.objects.filter(meeting=self.meeting, member=self.entry("张明")).count()
        Problem.objects.create(meeting=self.meeting, description="班子理论学习不够深入")
        Problem.objects.create(meeting=self.meeting, description="班子调研不够")
        Problem.objects.create(meeting=self.meeting, member=self.entry("张明"), description="抓落实不够")
        Problem.objects.create(meeting=self.last_meeting, member=self.entry("张明"), description="not this year")
        self.add_criticism("张明", "李华", REAL, points=2)
        self.add_criticism("张明", "王芳", HOPE, points=1)
        self.add_criticism("李华", "张明", REAL, points=3)
        stats = self.client.get(self.base + "stats/").content.decode()
        self.assertIn(
            f"领导班子查摆问题{team + 2}条，班子成员查摆问题{members + 1}条，相互提出批评意见6条（3人次）", stats
        )
        rows = {line.split("</td>")[0].split("<td>")[-1]: line for line in stats.split("<tr>")[2:]}
        self.assertIn(f"<td>{mine + 1}条</td>", rows["张明"])  # problems
        self.assertIn("<td>3条（1人次）</td><td>3条（2人次）</td>", rows["张明"])  # given, received
        self.assertIn("1处", rows["张明"])  # one of them only wishes
        self.assertIn("<td>2条（1人次）</td><td>3条（1人次）</td>", rows["李华"])
        self.assertIn("<td>0条（0人次）</td><td>0条（0人次）</td>", rows["赵强"])
        # Deleting a row is audited with what it said, and the counts follow.
        row = Criticism.objects.get(text=HOPE)
        self.client.post(self.base + "rows/delete/", {"kind": "criticism", "id": row.pk}, HTTP_HX_REQUEST="true")
        self.assertIn("相互提出批评意见5条（2人次）", self.client.get(self.base + "stats/").content.decode())
        self.assertIn("删除了王芳→张明的批评意见（1条）：“希望李华同志", self.client.get(self.base).content.decode())


class RowsAndHistoryTest(MinutesTestCase):
    def test_supervisors_observers_and_agenda(self):
        record = self.start()
        self.client.post(self.base + "rows/add/", {"kind": "supervisor"}, HTTP_HX_REQUEST="true")
        supervisor = record.supervisors.get()
        status, _ = self.save(
            "supervisor", supervisor, name="马骏", title="组长", body="市纪委监委驻市政府办公室纪检监察组"
        )
        self.assertEqual(status, 200)
        self.client.post(self.base + "rows/add/", {"kind": "observer"})
        observer = Observer.objects.get(record=record)
        self.save("observer", observer, name="孙丽", post="办公室主任")
        agenda = list(record.agenda_items.order_by("order"))
        response = self.client.post(
            self.base + "agenda/move/", {"id": agenda[0].pk, "direction": "down"}, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, 'id="agenda"')
        self.assertEqual(
            list(record.agenda_items.order_by("order").values_list("pk", flat=True)[:2]), [agenda[1].pk, agenda[0].pk]
        )
        response = self.client.post(
            self.base + "agenda/move/", {"id": agenda[1].pk, "direction": "up"}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "已经是第一项", status_code=400)
        self.client.post(self.base + "rows/add/", {"kind": "agenda"}, HTTP_HX_REQUEST="true")
        new = record.agenda_items.order_by("-order").first()
        self.assertEqual(new.order, 8)
        self.save("agenda", new, text="通报巡察反馈问题整改情况")
        self.client.post(self.base + "rows/delete/", {"kind": "agenda", "id": agenda[2].pk}, HTTP_HX_REQUEST="true")
        self.assertEqual(list(record.agenda_items.values_list("order", flat=True)), [1, 2, 3, 4, 5, 6, 7])
        page = self.client.get(self.base).content.decode()
        self.assertIn("市纪委监委驻市政府办公室纪检监察组组长马骏", page)
        self.assertIn("办公室主任孙丽", page)
        self.assertIn("<li>通报巡察反馈问题整改情况</li>", page)
        # Attendance and speeches come from the roster: they cannot be deleted.
        speech = MemberSpeech.objects.filter(record=record).first()
        response = self.client.post(self.base + "rows/delete/", {"kind": "speech", "id": speech.pk})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(MemberSpeech.objects.filter(pk=speech.pk).exists())

    def test_autosaves_fold_into_one_history_line_per_window(self):
        record = self.start()
        events = AuditEvent.objects.filter(
            object_id=record.pk, event_type="updated", content_type__model="meetingrecord"
        )

        # Every save appends an event (the log is never rewritten); the history shows one per window.
        def shown() -> list[AuditEvent]:
            return without_superseded(list(events.all()))

        before = len(shown())
        for place in ("局机关五", "局机关五楼", "局机关五楼会议室"):
            self.save("record", place=place)
        zhao = Attendance.objects.get(record=record, entry__name="赵强")
        self.save("attendance", zhao, status="leave", leave_reason="外出开会")
        self.assertEqual(len(shown()) - before, 1)
        event = shown()[0]
        self.assertEqual(event.extra["saves"], 4)
        page = self.client.get(self.base).content.decode()
        self.assertIn("将地点由“局机关三楼会议室”改为“局机关五楼会议室”", page)
        self.assertIn("将出席情况（赵强）由“出席”改为“请假”", page)
        self.assertIn("将请假事由（赵强）由“（空）”改为“外出开会”", page)
        # After the window a new line opens; another person's edits never fold into someone else's.
        with mock.patch("django.utils.timezone.now", return_value=event.event_time + dt.timedelta(minutes=11)):
            self.save("record", recorder="黄蕾、孙丽")
        self.assertEqual(len(shown()) - before, 2)
        self.client.force_login(self.admin)
        self.save("record", recorder="黄蕾")
        self.assertEqual(len(shown()) - before, 3)


class FinaliseTest(MinutesTestCase):
    def test_final_is_read_only_until_reopened_with_a_reason(self):
        record = self.start()
        self.add_criticism("张明", "李华", REAL)
        self.save("record", supervisor_comments="准备充分", principal_summary="开得很好")
        # The record is dated the meeting day; finalised on that day, the step is done on it.
        self.assertEqual(self.save("record", held_on="2026-11-24")[0], 400)
        with mock.patch("mingjing.minutes.services.today", return_value=self.meeting.planned_date):
            response = self.client.post(self.base + "finalise/", follow=True)
        self.assertContains(response, "会议记录已定稿")
        record.refresh_from_db()
        self.assertTrue(record.is_final)
        done = StepCompletion.objects.get(meeting=self.meeting, step="meeting")
        self.assertEqual(done.completed_on, dt.date(2026, 11, 23))
        # Read-only: the service, the autosave and the live page all refuse.
        with self.assertRaisesMessage(ValidationError, FINAL_ERROR):
            minutes_update(actor=self.preparer, record=record, data={"place": "别处"})
        status, body = self.save("record", place="别处")
        self.assertEqual(status, 400)
        self.assertIn("会议记录已定稿", body["message"])
        self.assertRedirects(self.client.get(self.base + "live/"), self.base)
        page = self.client.get(self.base).content.decode()
        self.assertIn("已定稿", page)
        self.assertIn("相互提出批评意见1条（1人次）", page)
        self.assertNotIn("继续现场记录", page)
        # Reopening needs a reason, which the history keeps.
        response = self.client.post(self.base + "reopen/", {"reason": " "}, follow=True)
        self.assertContains(response, "请填写重新打开的理由")
        self.client.post(self.base + "reopen/", {"reason": "补记督导组要求"})
        record.refresh_from_db()
        self.assertFalse(record.is_final)
        self.assertIn("重新打开了已定稿的会议记录，理由：补记督导组要求", self.client.get(self.base).content.decode())
        self.assertEqual(self.save("record", place="局机关五楼会议室")[0], 200)

    def test_blank_criticism_rows_block_the_final(self):
        record = self.start()
        self.client.post(self.base + "rows/add/", {"kind": "criticism", "to": self.entry("王芳").pk})
        response = self.client.post(self.base + "finalise/", follow=True)
        self.assertContains(response, "对王芳的批评意见有1条未填写提出人或内容")
        record.refresh_from_db()
        self.assertFalse(record.is_final)


class AccessTest(MinutesTestCase):
    def test_member_and_supervisor_read_only_and_outsider_sees_nothing(self):
        record = self.start()
        self.add_criticism("王芳", "赵强", REAL)
        for persona in ("member", "supervisor", "principal"):
            with self.subTest(persona=persona):
                self.login(persona)
                page = self.client.get(self.base)
                self.assertContains(page, "应到4人，实到4人，符合2/3要求")
                self.assertContains(page, REAL)
                self.assertNotContains(page, "继续现场记录")
                self.assertEqual(self.client.get(self.base + "live/").status_code, 403)
                self.assertEqual(
                    self.client.post(self.base + "save/", {"kind": "record", "place": "x"}).status_code, 403
                )
                self.assertEqual(self.client.post(self.base + "finalise/").status_code, 403)
        record.refresh_from_db()
        self.assertEqual(record.place, "局机关三楼会议室")
        self.login("outsider")
        for url in ("", "live/", "stats/"):
            self.assertEqual(self.client.get(self.base + url).status_code, 404)
        self.assertEqual(self.client.post(self.base + "save/", {"kind": "record", "place": "x"}).status_code, 404)

    def test_a_row_of_another_meeting_is_not_found(self):
        self.start()
        other = Criticism.objects.filter(record__meeting=self.last_meeting).first()
        status, body = self.save("criticism", other, text="改别人的")
        self.assertEqual(status, 400)
        self.assertTrue(body["gone"])
        other.refresh_from_db()
        self.assertNotEqual(other.text, "改别人的")


class QueryCountTest(MinutesTestCase):
    def test_live_page_runs_the_same_queries_for_4_and_12_members(self):
        config = YearConfig.objects.get(preset_code="2025-annual")

        def meeting_with_record():
            meeting = meeting_create(
                actor=None,
                organization=self.bureau,
                config=config,
                kind="special",
                extra_reason="测试",
                planned_date=dt.date(2026, 12, 1),
            )
            record = minutes_start(actor=None, meeting=meeting)
            roster = list(meeting.roster.all())
            for i, entry in enumerate(roster):
                criticism_add(actor=None, record=record, to_entry=entry, from_entry=roster[i - 1], text=REAL)
                criticism_add(actor=None, record=record, to_entry=entry, from_entry=roster[i - 2], text=HOPE)
                Problem.objects.create(meeting=meeting, member=entry, description="问题")
            return meeting

        def count(meeting, page="live/") -> int:
            url = f"/meetings/{meeting.pk}/minutes/{page}"
            self.assertEqual(self.client.get(url).status_code, 200)  # warm up
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            return len(queries)

        small = meeting_with_record()
        self.assertEqual(small.roster.count(), 4)
        for i in range(8):
            person_create(
                actor=None, organization=self.bureau, name=f"成员{i}", team_role=TeamRole.MEMBER, precedence=10 + i
            )
        large = meeting_with_record()
        self.assertEqual(large.roster.count(), 12)
        self.assertEqual(count(small), count(large))
        self.assertEqual(count(small, ""), count(large, ""))  # the read-only view too
        self.assertEqual((count(small), count(small, "")), (21, 18))


class BadRowIdTest(MinutesTestCase):
    def test_a_row_id_that_is_not_a_number_is_refused_not_a_500(self):
        self.start()
        response = self.client.post(self.base + "rows/add/", {"kind": "criticism", "to": "abc"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "只能选择本次会议班子名单中的成员", status_code=400)
        response = self.client.post(self.base + "rows/delete/", {"kind": "agenda", "id": "1x"})
        self.assertEqual(response.status_code, 404)
        response = self.client.post(self.base + "agenda/move/", {"id": "1x", "direction": "up"})
        self.assertEqual(response.status_code, 404)


class CriticismRowAddTest(MinutesTestCase):
    def test_adding_a_criticism_reads_the_record_once(self):
        self.start()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(self.base + "rows/add/", {"kind": "criticism", "to": self.entry("李华").pk},
                                        HTTP_HX_REQUEST="true")  # fmt: skip
        self.assertContains(response, 'data-kind="criticism"')
        reads = [q["sql"] for q in queries.captured_queries if 'FROM "minutes_memberspeech"' in q["sql"]]
        self.assertEqual(len(reads), 1, reads)
