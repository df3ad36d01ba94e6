import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.meetings.selectors import meeting_timeline
from mingjing.talks.models import Talk
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_delete, talk_record
from mingjing.test import DEMO_DAY, BaseTestCase

# The demo team: 张明 (principal; 办公室、人事科; 机关第一党支部), 李华 (计划财务科、农村经济科; 第一支部),
# 王芳 (种植业管理科、畜牧兽医科; 第二支部), 赵强 (农业综合执法支队; 执法支队党支部).
DEMO_REQUIRED = [
    "张明 — 李华", "张明 — 王芳", "张明 — 赵强",
    "李华 — 王芳", "李华 — 赵强", "王芳 — 赵强",
    "张明 — 办公室负责同志", "张明 — 人事科负责同志",
    "李华 — 计划财务科负责同志", "李华 — 农村经济科负责同志",
    "王芳 — 种植业管理科负责同志", "王芳 — 畜牧兽医科负责同志",
    "赵强 — 农业综合执法支队负责同志",
    "张明 — 机关第一党支部党员代表", "李华 — 机关第一党支部党员代表",
    "王芳 — 机关第二党支部党员代表", "赵强 — 执法支队党支部党员代表",
]  # fmt: skip


class CoverageTest(BaseTestCase):
    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def test_demo_team_lists_exactly_the_pairs_without_a_record(self):
        cov = talk_coverage(meeting=self.meeting)
        self.assertEqual(sorted(r.label for r in cov.missing), sorted(DEMO_REQUIRED))
        talk_record(
            topics="交流思想",
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("李华"),
            counterpart_kind="member",
            other_member=self.entry("张明"),
        )
        division = self.bureau.divisions.get(name="种植业管理科")
        talk_record(
            topics="交流思想",
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("王芳"),
            counterpart_kind="division_heads",
            division=division,
            participants="冯霞",
        )
        cov = talk_coverage(meeting=self.meeting)
        # A talk counts for the pair whichever of the two is recorded first.
        expected = sorted(set(DEMO_REQUIRED) - {"张明 — 李华", "王芳 — 种植业管理科负责同志"})
        self.assertEqual(sorted(r.label for r in cov.missing), expected)
        self.assertEqual((cov.done, cov.required, cov.percent), (2, 17, 11))

    def test_only_the_years_rules_are_required(self):
        config = self.meeting.config
        config.talk_rules = ["principal_member"]
        config.save()
        cov = talk_coverage(meeting=self.meeting)
        self.assertEqual(sorted(r.label for r in cov.missing), ["张明 — 李华", "张明 — 王芳", "张明 — 赵强"])

    def test_page_shows_coverage_and_the_preparer_records_a_talk(self):
        self.login("preparer")
        page = self.client.get(f"/meetings/{self.meeting.pk}/talks/").content.decode()
        self.assertIn("必谈覆盖：</strong>0/17（0%）", page)
        self.assertEqual(page.count("未谈"), 17)
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/talks/new/",
            {
                "talk_date": "2026-11-10",
                "member": self.entry("赵强").pk,
                "counterpart_kind": "branch_reps",
                "branch": self.bureau.branches.get(name="执法支队党支部").pk,
                "participants": "邓超",
                "topics": "征求对班子和本人的意见",
                "criticism_discussed": "on",
            },
            follow=True,
        )
        self.assertContains(response, "谈话记录已保存")
        self.assertContains(response, "必谈覆盖：</strong>1/17（5%）")
        self.assertContains(response, "执法支队党支部党员代表")
        talk = Talk.objects.get(meeting=self.meeting)
        self.assertTrue(talk.criticism_discussed)

    def test_bad_counterparts_are_explained_on_the_field(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/talks/new/"
        base = {"talk_date": "2026-11-10", "member": self.entry("李华").pk, "topics": "交流思想"}
        response = self.client.post(url, {**base, "counterpart_kind": "member", "other_member": self.entry("李华").pk})
        self.assertContains(response, "谈话对象（班子成员）：谈话双方不能是同一人")
        response = self.client.post(url, {**base, "counterpart_kind": "division_heads"})
        self.assertContains(response, "请选择科室")
        response = self.client.post(url, {**base, "counterpart_kind": "member", "other_member": ""})
        self.assertContains(response, "请选择谈话对象")
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

    def test_a_roster_entry_of_another_meeting_is_refused(self):
        from django.core.exceptions import ValidationError

        other = self.last_meeting.roster.get(name="张明")
        with self.assertRaisesMessage(ValidationError, "只能选择本次会议班子名单中的成员"):
            talk_record(
                topics="交流思想",
                actor=None,
                meeting=self.meeting,
                talk_date=DEMO_DAY,
                member=other,
                counterpart_kind="member",
                other_member=self.entry("李华"),
            )

    def test_edit_and_delete_are_audited(self):
        talk = talk_record(
            topics="交流思想",
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.entry("张明"),
            counterpart_kind="member",
            other_member=self.entry("王芳"),
        )
        self.login("preparer")
        self.client.post(
            f"/talks/{talk.pk}/edit/",
            {
                "talk_date": "2026-11-12",
                "member": self.entry("张明").pk,
                "counterpart_kind": "member",
                "other_member": self.entry("王芳").pk,
                "topics": "交流思想",
                "participants": "",
            },
        )
        page = self.client.get(f"/talks/{talk.pk}/edit/").content.decode()
        self.assertIn("将谈话日期由“2026年11月2日”改为“2026年11月12日”", page)
        self.client.post(f"/talks/{talk.pk}/delete/")
        self.assertFalse(Talk.objects.filter(meeting=self.meeting).exists())

    def test_list_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/talks/"

        def add(count):
            entries = list(self.meeting.roster.all())
            for i in range(count):
                talk_record(
                    topics="交流思想",
                    actor=None,
                    meeting=self.meeting,
                    talk_date=DEMO_DAY + dt.timedelta(days=i % 9),
                    member=entries[i % 4],
                    counterpart_kind="member",
                    other_member=entries[(i + 1) % 4],
                )

        add(10)
        with CaptureQueriesContext(connection) as ten:
            self.client.get(url)
        add(190)
        with self.assertNumQueries(len(ten)):
            self.client.get(url)

    def test_member_reads_but_cannot_record_and_outsider_sees_nothing(self):
        self.login("member")
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/talks/").status_code, 200)
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/talks/new/").status_code, 403)
        self.login("outsider")
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/talks/").status_code, 404)


class TalkStepTest(BaseTestCase):
    """The timeline's 谈心谈话 step follows the records: done when every required pair has a talk."""

    def talks_step(self, on=DEMO_DAY):
        return next(v for v in meeting_timeline(meeting=self.meeting, on=on) if v.step.key == "talks")

    def record_all_missing(self, on):
        talks = []
        for i, req in enumerate(talk_coverage(meeting=self.meeting).missing):
            kind, member_id, other_id = req.key
            if kind == "member":
                extra = {"counterpart_kind": "member", "other_member": self.meeting.roster.get(pk=other_id)}
            elif kind == "division":
                extra = {"counterpart_kind": "division_heads", "division": self.bureau.divisions.get(pk=other_id)}
            else:
                extra = {"counterpart_kind": "branch_reps", "branch": self.bureau.branches.get(pk=other_id)}
            talks.append(
                talk_record(
                    topics="交流思想",
                    actor=self.preparer,
                    meeting=self.meeting,
                    talk_date=on + dt.timedelta(days=i % 3),
                    member=self.meeting.roster.get(pk=member_id),
                    **extra,
                )
            )
        return talks

    def test_step_is_done_on_the_last_required_talk_and_reopens_when_a_gap_opens(self):
        self.assertEqual(self.talks_step().state, "pending")
        talks = self.record_all_missing(DEMO_DAY)
        step = self.talks_step()
        self.assertEqual((step.state, step.completed_on), ("done", DEMO_DAY + dt.timedelta(days=2)))
        self.login("preparer")
        page = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        self.assertContains(page, "依据记录自动完成")
        talk_delete(actor=self.preparer, talk=talks[0])
        self.assertEqual(self.talks_step().state, "pending")

    def test_incomplete_coverage_is_late_after_the_meeting_day(self):
        talks = self.record_all_missing(DEMO_DAY)
        talk_delete(actor=self.preparer, talk=talks[-1])
        step = self.talks_step(on=self.meeting.planned_date + dt.timedelta(days=2))
        self.assertEqual((step.state, step.late_days), ("late", 2))
