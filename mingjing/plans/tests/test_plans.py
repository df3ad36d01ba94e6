import datetime as dt
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mingjing.meetings.models import StepCompletion
from mingjing.meetings.selectors import meeting_timeline
from mingjing.plans.models import Plan, PlanRequest, PlanTask
from mingjing.plans.selectors import approved_request, request_lead_time
from mingjing.plans.services import plan_task_add, request_reply, request_send
from mingjing.test import DEMO_DAY, BaseTestCase

# The demo meeting is planned for DEMO_DAY + 21 = 2026-11-23; with 15 lead days the request must go
# out by 2026-11-08.
PLANNED = dt.date(2026, 11, 23)
DEADLINE = dt.date(2026, 11, 8)


def stage_data(rows: list[tuple[str, str, str, str]]) -> dict:
    data = {"stages-TOTAL_FORMS": str(len(rows)), "stages-INITIAL_FORMS": "0"}
    for i, (title, starts, ends, content) in enumerate(rows):
        data |= {f"stages-{i}-title": title, f"stages-{i}-starts_on": starts, f"stages-{i}-ends_on": ends}
        data[f"stages-{i}-content"] = content
    return data


class FreshMeetingMixin:
    """The demo meeting without the demo's plan and request, as on the day the preparer starts."""

    def setUp(self):
        super().setUp()
        Plan.objects.filter(meeting=self.meeting).delete()
        PlanRequest.objects.filter(meeting=self.meeting).delete()
        StepCompletion.objects.filter(meeting=self.meeting, step="plan_request").delete()
        self.plan_url = f"/meetings/{self.meeting.pk}/plan/"
        self.request_url = f"/meetings/{self.meeting.pk}/request/"

    def write_plan(self, **extra):
        data = {
            "title": "市农业农村局党组领导班子2025年度民主生活会实施方案",
            "document_number": "明农党组〔2026〕20号",
            "theme": "深入学习贯彻习近平新时代中国特色社会主义思想",
            "agenda": "通报整改落实情况\n\n主要负责同志作对照检查\n督导组点评",
            "participants": "局党组班子成员",
            "observers": "",
            "agreed_on": "2026-10-28",
            **stage_data([("征求意见", "2026-11-03", "2026-11-12", "发放征求意见表"), ("", "", "", "")]),
            **extra,
        }
        return self.client.post(f"{self.plan_url}edit/", data, follow=True)

    def step(self):
        return {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=DEMO_DAY)}["plan_request"]


class PlanPageTest(FreshMeetingMixin, BaseTestCase):
    def test_new_plan_starts_from_the_year_config_the_roster_and_the_supervisors(self):
        self.login("preparer")
        page = self.client.get(self.plan_url).content.decode()
        self.assertIn("尚未制定方案", page)
        form = self.client.get(f"{self.plan_url}edit/").content.decode()
        self.assertIn("市农业农村局党组领导班子2025年度民主生活会实施方案", form)
        self.assertIn(self.meeting.config.theme[:20], form)
        # The year's extra agenda item comes right after the opening 通报, before the examinations.
        agenda = form[form.index('name="agenda"') :]
        extra = agenda.index(self.meeting.config.extra_agenda_items[0])
        self.assertLess(agenda.index("通报上年度民主生活会整改措施落实情况"), extra)
        self.assertLess(extra, agenda.index("主要负责同志代表领导班子作对照检查"))
        self.assertIn("张明（局党组书记、局长）、李华（局党组成员、副局长）", form)
        self.assertIn("督导组：马骏（市委第三督导组组长）", form)
        # Steps after the plan, due dates from the timeline: the meeting itself on the planned day.
        self.assertIn('value="召开民主生活会"', form)
        self.assertIn('value="2026-11-23"', form)

    def test_preparer_saves_and_edits_the_plan_and_the_history_says_what_changed(self):
        self.login("preparer")
        response = self.write_plan()
        self.assertContains(response, "方案已保存")
        self.assertContains(response, "<li>通报整改落实情况</li>", html=False)
        self.assertContains(response, "明农党组〔2026〕20号")
        self.assertContains(response, "创建了民主生活会方案")
        plan = Plan.objects.get(meeting=self.meeting)
        self.assertEqual(plan.agenda, ["通报整改落实情况", "主要负责同志作对照检查", "督导组点评"])
        self.assertEqual([(s.title, s.ends_on) for s in plan.stages.all()], [("征求意见", dt.date(2026, 11, 12))])
        response = self.write_plan(theme="新的主题", **stage_data([("谈心谈话", "", "2026-11-20", "")]))
        self.assertContains(response, "将会议主题由“深入学习贯彻习近平新时代中国特色社会主义思想”改为“新的主题”")
        self.assertContains(
            response, "方法步骤由“征求意见（2026年11月3日—2026年11月12日）”改为“谈心谈话（2026年11月20日）”"
        )

    def test_bad_stage_rows_are_named_by_row(self):
        self.login("preparer")
        response = self.write_plan(
            **stage_data([("征求意见", "2026-11-12", "2026-11-03", ""), ("", "2026-11-05", "", "")])
        )
        self.assertContains(response, "方法步骤第1行：开始日期不能晚于完成时限")
        self.assertContains(response, "方法步骤第2行：请填写步骤名称")
        response = self.write_plan(agenda="  \n ")
        self.assertContains(response, "会议议程：这个字段是必填项。")
        self.assertFalse(Plan.objects.filter(meeting=self.meeting).exists())

    @mock.patch("mingjing.plans.views.today", return_value=DEMO_DAY)
    def test_task_table_add_edit_done_reopen_delete(self, _today):
        self.login("preparer")
        self.write_plan()
        new = f"{self.plan_url}tasks/new/"
        response = self.client.post(new, {"task": "汇总意见", "due_on": "2026-11-10"})
        self.assertContains(response, "请选择班子成员，或在“责任人（其他）”中填写责任人")
        zhang = self.meeting.roster.get(name="张明")
        response = self.client.post(
            new, {"task": "汇总意见", "due_on": "2026-11-10", "responsible_entry": zhang.pk, "responsible_name": "孙丽"}
        )
        self.assertContains(response, "已选择班子成员作为责任人，其他责任人请留空")
        self.client.post(
            new, {"task": "主持起草班子对照检查材料", "due_on": "2026-11-20", "responsible_entry": zhang.pk}
        )  # noqa: E501
        response = self.client.post(
            new, {"task": "发放征求意见表", "due_on": "2026-10-30", "responsible_name": "办公室 孙丽"}, follow=True
        )
        self.assertContains(response, "任务已保存")
        task = PlanTask.objects.get(task="发放征求意见表")
        page = self.client.get(self.plan_url).content.decode()
        self.assertIn("任务推进表（2项，已完成0项，", page)
        self.assertIn("逾期3天", page)
        self.assertIn("<td>办公室 孙丽</td>", page)
        self.assertIn("<td>张明</td>", page)

        response = self.client.post(f"/plan-tasks/{task.pk}/done/", {"done_on": "2026-11-01"}, follow=True)
        self.assertContains(response, "已标记为完成")
        self.assertContains(response, "任务推进表（2项，已完成1项）")
        self.assertContains(response, "将任务“发放征求意见表”标记为已完成（2026年11月1日）")
        self.client.post(f"/plan-tasks/{task.pk}/done/", {"reopen": "1"})
        task.refresh_from_db()
        self.assertIsNone(task.done_on)
        self.client.post(
            f"/plan-tasks/{task.pk}/edit/",
            {"task": "发放征求意见表", "due_on": "2026-11-06", "responsible_name": "办公室 孙丽", "note": "纸质"},
        )
        page = self.client.get(self.plan_url).content.decode()
        self.assertIn("修改了任务“发放征求意见表”：完成时限为“2026年11月6日”", page)
        self.client.post(f"/plan-tasks/{task.pk}/delete/")
        self.assertEqual(PlanTask.objects.filter(plan__meeting=self.meeting).count(), 1)
        self.assertContains(self.client.get(self.plan_url), "删除了任务“发放征求意见表”")

    def test_member_reads_the_plan_but_cannot_change_it_and_outsider_sees_nothing(self):
        self.login("preparer")
        self.write_plan()
        plan = Plan.objects.get(meeting=self.meeting)
        task = plan_task_add(actor=None, plan=plan, task="学习", responsible_name="孙丽", due_on=DEMO_DAY)
        self.login("member")
        page = self.client.get(self.plan_url)
        self.assertContains(page, "<li>督导组点评</li>", html=False)
        self.assertNotContains(page, "修改方案")
        self.assertNotContains(page, "标记完成")
        self.assertEqual(self.client.get(f"{self.plan_url}edit/").status_code, 403)
        self.assertEqual(self.client.post(f"/plan-tasks/{task.pk}/done/").status_code, 403)
        self.login("outsider")
        self.assertEqual(self.client.get(self.plan_url).status_code, 404)
        self.assertEqual(self.client.post(f"/plan-tasks/{task.pk}/delete/").status_code, 404)
        self.assertTrue(PlanTask.objects.filter(pk=task.pk).exists())

    def test_tasks_of_an_archived_meeting_cannot_be_changed(self):
        from mingjing.meetings.models import Meeting

        self.login("preparer")
        self.write_plan()
        plan = Plan.objects.get(meeting=self.meeting)
        task = plan_task_add(actor=None, plan=plan, task="学习", responsible_name="孙丽", due_on=DEMO_DAY)
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)
        self.assertEqual(self.client.post(f"/plan-tasks/{task.pk}/done/").status_code, 403)
        self.assertEqual(
            self.client.post(f"/plan-tasks/{task.pk}/edit/", {"task": "改", "due_on": "2026-11-06"}).status_code, 403
        )
        self.assertEqual(self.client.post(f"/plan-tasks/{task.pk}/delete/").status_code, 403)
        task.refresh_from_db()
        self.assertEqual((task.task, task.done_on), ("学习", None))

    def test_plan_page_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        self.write_plan()
        plan = Plan.objects.get(meeting=self.meeting)
        roster = list(self.meeting.roster.all())

        def add(count):
            for i in range(count):
                plan_task_add(
                    actor=self.preparer,
                    plan=plan,
                    task=f"任务{i}",
                    responsible_entry=roster[i % 4] if i % 2 else None,
                    responsible_name="" if i % 2 else "办公室 孙丽",
                    due_on=DEMO_DAY + dt.timedelta(days=i % 20),
                    done_on=DEMO_DAY if i % 3 == 0 else None,
                )

        add(5)
        with CaptureQueriesContext(connection) as five:
            self.assertContains(self.client.get(self.plan_url), "任务4")
        add(45)
        with self.assertNumQueries(len(five)):
            self.assertContains(self.client.get(self.plan_url), "任务44")


class RequestFlowTest(FreshMeetingMixin, BaseTestCase):
    def send(self, sent_on: str, **extra):
        data = {"title": "关于召开2025年度民主生活会的请示", "addressees": "市纪委监委、市委组织部", "sent_on": sent_on}
        return self.client.post(f"{self.request_url}send/", data | extra, follow=True)

    def pending(self) -> PlanRequest:
        return PlanRequest.objects.get(meeting=self.meeting, status="pending")

    def test_before_sending_the_page_says_by_when_the_request_must_go_out(self):
        self.login("preparer")
        with mock.patch("mingjing.plans.selectors.today", return_value=DEMO_DAY):
            page = self.client.get(self.request_url).content.decode()
        self.assertIn(
            "请示尚未报送。会议计划于2026年11月23日召开，按至少提前15天的要求，最迟应于2026年11月8日报送（还有6天）。",
            page,
        )
        with mock.patch("mingjing.plans.selectors.today", return_value=dt.date(2026, 11, 10)):
            page = self.client.get(self.request_url).content.decode()
        self.assertIn("最迟应于2026年11月8日报送，已超过时限2天。", page)
        # A request needs a plan first.
        self.assertIn("请先制定方案，再向上级请示", page)
        response = self.send("2026-11-01")
        self.assertContains(response, "请先制定方案，再向上级请示")
        self.assertFalse(PlanRequest.objects.filter(meeting=self.meeting).exists())

    def test_preparer_sends_and_the_supervisor_approves_in_the_system(self):
        self.login("preparer")
        self.write_plan()
        response = self.send("2026-11-01", document_number="明农党组〔2026〕21号")
        self.assertContains(response, "请示已登记报送")
        self.assertContains(response, "请示于2026年11月1日报送，距会议召开22天，符合至少提前15天的要求。")
        self.assertEqual(self.step().state_label, "未完成")
        # While it waits for the reply, no second round.
        self.assertContains(self.send("2026-11-02"), "上一轮请示尚未答复")

        self.login("supervisor")
        page = self.client.get(self.request_url)
        self.assertContains(page, "答复第1轮请示")
        response = self.client.post(
            f"/plan-requests/{self.pending().pk}/reply/", {"decision": "approved", "comments": "同意"}, follow=True
        )
        self.assertContains(response, "答复已提交")
        self.assertContains(response, "马骏（市委第三督导组组长）")
        self.assertContains(response, "同意了第1轮请示")
        step = self.step()
        self.assertEqual((step.state, step.completed_on, step.state_label), ("done", dt.date(2026, 11, 1), "已完成"))

        approved = approved_request(meeting=self.meeting)
        self.assertEqual(approved.sent_on, dt.date(2026, 11, 1))
        self.assertEqual(approved.document_number, "明农党组〔2026〕21号")
        self.assertEqual(approved.approved_by, "马骏（市委第三督导组组长）")
        self.assertEqual((approved.days_before, approved.meets_lead_time, approved.on_paper), (22, True, False))

    def test_superior_returns_with_comments_and_a_late_second_round_is_approved_on_paper(self):
        self.login("preparer")
        self.write_plan()
        self.send("2026-11-05")
        url = f"/plan-requests/{self.pending().pk}/reply/"
        self.login("superior")
        response = self.client.post(url, {"decision": "returned", "comments": "  "})
        self.assertContains(response, "意见：退回修改时请填写修改意见")
        self.assertEqual(self.pending().round, 1)
        response = self.client.post(url, {"decision": "returned", "comments": "议程缺少通报整改整治情况"}, follow=True)
        self.assertContains(response, "杜鹃（明远市委组织部门）")
        self.assertContains(response, "退回了第1轮请示，意见：议程缺少通报整改整治情况")
        self.assertEqual(self.step().state, "pending")

        self.login("preparer")
        form = self.client.get(f"{self.request_url}send/").content.decode()
        self.assertIn("报送第2轮请示", form)
        self.assertIn("议程缺少通报整改整治情况", form)
        self.assertContains(self.send("2026-11-04"), "报送日期不能早于上一轮请示的报送日期（2026年11月5日）")
        self.send("2026-11-13")
        second = self.pending()
        response = self.client.post(
            f"/plan-requests/{second.pk}/paper-reply/",
            {"decision": "approved", "replier_name": "", "replied_on": "2026-11-12"},
        )
        self.assertContains(response, "答复人：这个字段是必填项。")
        response = self.client.post(
            f"/plan-requests/{second.pk}/paper-reply/",
            {"decision": "approved", "replier_name": "市委组织部", "replied_on": "2026-11-12"},
        )
        self.assertContains(response, "答复日期不能早于报送日期（2026年11月13日）")
        response = self.client.post(
            f"/plan-requests/{second.pk}/paper-reply/",
            {"decision": "approved", "replier_name": "市委组织部", "replied_on": "2026-11-14"},
            follow=True,
        )
        self.assertContains(response, "书面答复已登记")
        self.assertContains(response, "请示于2026年11月13日报送，距会议召开10天，不符合至少提前15天的要求。")
        self.assertContains(response, "登记了第2轮请示的书面答复：已同意（市委组织部，2026年11月14日）")
        self.assertContains(response, 'id="round-1"')
        self.assertContains(response, 'id="round-2"')
        step = self.step()
        self.assertEqual((step.completed_on, step.state_label), (dt.date(2026, 11, 13), "已完成（逾期5天）"))
        approved = approved_request(meeting=self.meeting)
        self.assertEqual((approved.round, approved.on_paper, approved.earlier_rounds_returned), (2, True, 1))
        self.assertFalse(approved.meets_lead_time)
        # Answered rounds are closed.
        self.assertContains(self.send("2026-11-14"), "请示已获同意，无需再次报送")
        response = self.client.post(
            f"/plan-requests/{second.pk}/paper-reply/",
            {"decision": "returned", "replier_name": "市委组织部", "replied_on": "2026-11-14", "comments": "x"},
        )
        self.assertContains(response, "第2轮请示已答复")

    def test_who_may_send_and_reply(self):
        self.login("preparer")
        self.write_plan()
        self.send("2026-11-01")
        reply = f"/plan-requests/{self.pending().pk}/reply/"
        paper = f"/plan-requests/{self.pending().pk}/paper-reply/"
        approve = {"decision": "approved", "comments": ""}
        # The preparer sends and records paper replies, but does not answer in the system.
        self.assertEqual(self.client.post(reply, approve).status_code, 403)
        self.login("member")
        self.assertNotContains(self.client.get(self.request_url), "提交答复")
        self.assertEqual(self.client.post(f"{self.request_url}send/", {}).status_code, 403)
        self.assertEqual(self.client.post(reply, approve).status_code, 403)
        self.assertEqual(self.client.post(paper, approve).status_code, 403)
        self.login("supervisor")
        self.assertEqual(self.client.get(f"{self.request_url}send/").status_code, 403)
        self.assertEqual(self.client.get(paper).status_code, 403)
        self.login("outsider")
        self.assertEqual(self.client.get(self.request_url).status_code, 404)
        self.assertEqual(self.client.post(reply, approve).status_code, 404)
        self.assertEqual(self.pending().round, 1)

    def test_preparer_corrects_a_round_while_it_waits(self):
        self.login("preparer")
        self.write_plan()
        self.send("2026-11-01")
        round_ = self.pending()
        self.client.post(
            f"/plan-requests/{round_.pk}/edit/",
            {"title": round_.title, "addressees": "市委组织部", "document_number": "明农党组〔2026〕22号",
             "sent_on": "2026-11-02"},
        )  # fmt: skip
        page = self.client.get(self.request_url).content.decode()
        self.assertIn("将文号由“（空）”改为“明农党组〔2026〕22号”", page)
        self.assertIn("距会议召开21天", page)

    def test_request_page_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        self.write_plan()
        meeting = self.meeting

        def rounds(count):
            for _ in range(count):
                sent = request_send(
                    actor=self.preparer, meeting=meeting, title="请示", addressees="市委组织部", sent_on=DEMO_DAY
                )
                request_reply(actor=self.superior, request=sent, status="returned", comments="请修改议程")

        rounds(2)
        with CaptureQueriesContext(connection) as two:
            self.assertContains(self.client.get(self.request_url), 'id="round-2"')
        rounds(8)
        with self.assertNumQueries(len(two)):
            self.assertContains(self.client.get(self.request_url), 'id="round-10"')

    def test_meeting_page_links_to_the_plan(self):
        self.login("member")
        page = self.client.get(f"/meetings/{self.meeting.pk}/")
        self.assertContains(page, f'href="{self.plan_url}">方案与请示</a>')


class RosterRefreezeTest(BaseTestCase):
    def test_a_task_stays_with_its_responsible_member_when_the_roster_is_frozen_again(self):
        from mingjing.meetings.services import meeting_create, meeting_refreeze_roster
        from mingjing.plans.services import plan_save

        meeting = meeting_create(
            actor=None,
            organization=self.bureau,
            config=self.meeting.config,
            kind="special",
            planned_date=dt.date(2026, 12, 20),
        )
        plan = plan_save(actor=None, meeting=meeting, data={"title": "方案", "agenda": ["通报"]})
        zhang = meeting.roster.get(name="张明")
        task = plan_task_add(actor=None, plan=plan, task="起草班子材料", responsible_entry=zhang, due_on=DEMO_DAY)
        meeting_refreeze_roster(actor=None, meeting=meeting)
        task.refresh_from_db()
        self.assertEqual(task.responsible_entry, zhang)  # entries are updated in place
        self.assertEqual(task.responsible, "张明")


class LeadTimeTest(BaseTestCase):
    def test_statement_both_ways_and_the_configured_days(self):
        lead = request_lead_time(meeting=self.meeting)
        self.assertEqual(lead.statement(), "请示于2026年10月30日报送，距会议召开24天，符合至少提前15天的要求。")
        config = self.meeting.config
        config.plan_lead_days = 30
        config.save()
        self.meeting.refresh_from_db()
        lead = request_lead_time(meeting=self.meeting)
        self.assertEqual(lead.statement(), "请示于2026年10月30日报送，距会议召开24天，不符合至少提前30天的要求。")

    def test_demo_step_follows_the_approved_request(self):
        done = StepCompletion.objects.get(meeting=self.meeting, step="plan_request")
        self.assertEqual(done.completed_on, DEMO_DAY - dt.timedelta(days=3))
        self.assertIsNone(done.completed_by)
        approved = approved_request(meeting=self.meeting)
        self.assertEqual(approved.approved_by, "马骏（市委第三督导组组长）")
        self.assertEqual(approved.approved_on, DEMO_DAY - dt.timedelta(days=2))
        self.login("principal")
        page = self.client.get(f"/meetings/{self.meeting.pk}/plan/").content.decode()
        self.assertIn("任务推进表（5项，已完成2项", page)
        self.assertIn("第1轮（明农党组〔2026〕21号）于2026年10月30日报送", page)
