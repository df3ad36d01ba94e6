from __future__ import annotations

import datetime as dt
import io
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from mingjing.lib.xlsx import read_sheet
from mingjing.meetings.models import StepCompletion
from mingjing.opinions.demo import ONLINE_TITLE, PAPER_TITLE
from mingjing.opinions.models import Campaign, Channel, Opinion, OpinionItem
from mingjing.opinions.selectors import feedback_for_member, opinion_tallies, solicitation_form_url
from mingjing.opinions.services import (
    PublicEntry,
    campaign_close,
    opinion_record,
    opinion_submit_public,
)
from mingjing.test import DEMO_DAY, BaseTestCase

SERVICES_TODAY = "mingjing.opinions.services.today"


def sheet(rows, headers=("意见内容", "对象", "方面", "渠道", "来源", "日期")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class OpinionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.paper = Campaign.objects.get(meeting=cls.meeting, title=PAPER_TITLE)
        cls.online = Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE)

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def aspect(self, order):
        return self.meeting.config.aspects.get(order=order)

    def respond(self, campaign, target, n, text="网上意见"):
        with mock.patch(SERVICES_TODAY, return_value=campaign.opens_on):
            for i in range(n):
                entries = [PublicEntry(target=target, aspect=None, text=f"{text}{i}")]
                opinion_submit_public(campaign=campaign, entries=entries)


class CampaignPagesTest(OpinionsTestCase):
    def test_preparer_creates_a_campaign_and_adds_units(self):
        self.login("preparer")
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/opinions/new/",
            {
                "title": "向下属单位征求意见",
                "channels": ["paper", "online", "forum"],
                "opens_on": "2026-11-03",
                "closes_on": "2026-11-12",
                "online_enabled": "on",
                "min_responses_shown": "3",
            },
            follow=True,
        )
        self.assertContains(response, "征求意见已创建")
        self.assertContains(response, "征求意见表、网上征求意见、座谈会")
        self.assertContains(response, "<svg")  # the QR code, inline
        campaign = Campaign.objects.get(title="向下属单位征求意见")
        self.assertContains(response, solicitation_form_url(campaign, "http://testserver"))
        self.assertEqual(campaign.min_responses_shown, 3)
        url = f"/opinions/campaigns/{campaign.pk}/units/add/"
        unit = {"unit-name": "农业综合执法支队", "unit-source_kind": "subordinate", "unit-forms_sent": "5"}
        self.client.post(url, unit)
        response = self.client.post(
            url,
            {"unit-name": "办公室", "unit-source_kind": "division", "unit-forms_sent": "2", "unit-forms_returned": "3"},
            follow=True,
        )
        self.assertContains(response, "收回份数不能多于发出份数")
        response = self.client.post(url, {"unit-name": "农业综合执法支队", "unit-source_kind": "division"}, follow=True)
        self.assertContains(response, "“农业综合执法支队”已在发放名单中")
        unit = campaign.units.get()
        self.client.post(
            f"/opinions/units/{unit.pk}/edit/",
            {"name": unit.name, "source_kind": "subordinate", "forms_sent": "5", "forms_returned": "4"},
        )
        page = self.client.get(f"/opinions/campaigns/{campaign.pk}/").content.decode()
        self.assertIn("1个，发出5份，收回4份", page)
        self.assertIn("将收回份数由“0”改为“4”", self.client.get(f"/opinions/units/{unit.pk}/edit/").content.decode())

    def test_dates_are_checked(self):
        self.login("preparer")
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/opinions/new/",
            {"title": "x", "opens_on": "2026-11-10", "closes_on": "2026-11-01", "min_responses_shown": "5"},
        )
        self.assertContains(response, "截止日期：截止日期不能早于开始日期")

    def test_closing_every_campaign_completes_the_step_and_reopening_is_audited(self):
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="solicitation").exists())
        self.respond(self.online, None, 2)
        self.login("preparer")
        response = self.client.post(
            f"/opinions/campaigns/{self.online.pk}/close/", {"closed_on": "2026-11-04"}, follow=True
        )
        self.assertContains(response, "征求意见已结束")
        self.assertContains(response, "结束了征求意见（2026年11月4日，网上匿名意见2条）")
        done = StepCompletion.objects.get(meeting=self.meeting, step="solicitation")
        self.assertEqual(done.completed_on, dt.date(2026, 11, 4))  # the later of the two close dates

        response = self.client.post(f"/opinions/campaigns/{self.online.pk}/reopen/", {"reason": ""}, follow=True)
        self.assertContains(response, "重新开放的原因：这个字段是必填项")
        response = self.client.post(
            f"/opinions/campaigns/{self.online.pk}/reopen/", {"reason": "补充征求执法支队意见"}, follow=True
        )
        self.assertContains(response, "重新开放了征求意见（原因：补充征求执法支队意见）")
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="solicitation").exists())

    def test_threshold_may_change_while_no_online_response_arrived(self):
        # The paper round took no online response: there is nobody to unmask (the refusal once
        # responses arrived is in test_trust).
        self.login("preparer")
        data = {
            "title": self.paper.title,
            "opens_on": self.paper.opens_on.isoformat(),
            "closes_on": self.paper.closes_on.isoformat(),
            "min_responses_shown": "1",
        }
        response = self.client.post(f"/opinions/campaigns/{self.paper.pk}/edit/", data, follow=True)
        self.assertContains(response, "征求意见已保存")
        self.paper.refresh_from_db()
        self.assertEqual(self.paper.min_responses_shown, 1)

    def test_printable_form_has_the_qr_code_and_every_member(self):
        self.login("member")
        page = self.client.get(f"/opinions/campaigns/{self.online.pk}/form/").content.decode()
        self.assertIn("<svg", page)
        self.assertIn(f"http://testserver/o/{self.online.public_token}/", page)
        for name in ("张明", "李华", "王芳", "赵强"):
            self.assertIn(f"对{name}同志", page)
        self.assertIn("带头强化政治忠诚、提高政治能力", page)
        self.assertEqual(
            solicitation_form_url(self.online, "https://mj.example.cn/"),
            f"https://mj.example.cn/o/{self.online.public_token}/",
        )

    def test_campaign_page_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        url = f"/opinions/campaigns/{self.paper.pk}/"
        entries = list(self.meeting.roster.all())

        def add(start, stop):
            for i in range(start, stop):
                self.paper.units.create(name=f"单位{i}", forms_sent=2, forms_returned=1)
                OpinionItem.objects.create(campaign=self.paper, text=f"归纳{i}", target=entries[i % 4], order=100 + i)

        add(0, 10)
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.assertContains(self.client.get(url), "单位9")
        add(10, 200)
        with self.assertNumQueries(len(small)):
            self.assertContains(self.client.get(url), "单位199")


class OpinionEntryTest(OpinionsTestCase):
    def test_preparer_types_an_opinion_and_filters_the_list(self):
        self.login("preparer")
        response = self.client.post(
            f"/opinions/campaigns/{self.paper.pk}/opinions/new/",
            {
                "text": "下基层调研时间偏少",
                "target": self.entry("赵强").pk,
                "aspect": self.aspect(4).pk,
                "channel": "visit",
                "source_kind": "subordinate",
                "received_on": "2026-10-20",
            },
            follow=True,
        )
        self.assertContains(response, "意见已保存")
        self.assertContains(response, "下基层调研时间偏少")
        opinion = Opinion.objects.get(text="下基层调研时间偏少")
        self.assertEqual((opinion.target.name, opinion.aspect.order, opinion.channel), ("赵强", 4, "visit"))
        self.assertFalse(opinion.from_public_form)

        base = f"/opinions/campaigns/{self.paper.pk}/opinions/"
        rows = lambda q: self.client.get(base, q).context["opinions"]  # noqa: E731
        self.assertEqual(len(rows({})), 16)
        self.assertEqual(len(rows({"target": "team"})), 8)
        self.assertEqual({o.target.name for o in rows({"target": self.entry("赵强").pk})}, {"赵强"})
        self.assertEqual(len(rows({"target": self.entry("赵强").pk})), 2)
        self.assertEqual(len(rows({"aspect": self.aspect(4).pk})), 5)
        self.assertEqual(len(rows({"channel": "visit"})), 3)
        self.assertEqual(len(rows({"target": "team", "channel": "forum"})), 2)

    def test_target_and_aspect_must_belong_to_the_meeting(self):
        other_aspect = self.last_meeting.config.aspects.first()
        with self.assertRaisesMessage(ValidationError, "只能选择本次会议年度配置中的重点方面"):
            opinion_record(actor=None, campaign=self.paper, text="x", aspect=other_aspect)
        with self.assertRaisesMessage(ValidationError, "只能选择本次会议班子名单中的成员"):
            opinion_record(actor=None, campaign=self.paper, text="x", target=self.last_meeting.roster.first())
        self.login("preparer")
        response = self.client.post(
            f"/opinions/campaigns/{self.paper.pk}/opinions/new/",
            {"text": "", "target": "team", "channel": "paper", "received_on": "2026-10-20"},
        )
        self.assertContains(response, "意见内容：这个字段是必填项")

    def test_edit_and_delete_are_audited(self):
        opinion = Opinion.objects.get(text__startswith="执法检查中有时方式简单")
        self.login("preparer")
        self.client.post(
            f"/opinions/{opinion.pk}/edit/",
            {
                "text": opinion.text,
                "target": self.entry("赵强").pk,
                "aspect": self.aspect(4).pk,
                "channel": "paper",
                "received_on": opinion.received_on.isoformat(),
            },
        )
        page = self.client.get(f"/opinions/{opinion.pk}/edit/").content.decode()
        self.assertIn("将方面由“带头敬畏人民、敬畏组织、敬畏法纪”改为“带头干事创业、担当作为”", page)
        self.client.post(f"/opinions/{opinion.pk}/delete/")
        self.assertFalse(Opinion.objects.filter(pk=opinion.pk).exists())

    def test_an_archived_meetings_opinions_units_and_items_cannot_be_changed(self):
        from mingjing.meetings.models import Meeting

        opinion = Opinion.objects.get(text__startswith="执法检查中有时方式简单")
        item = OpinionItem.objects.filter(campaign__meeting=self.meeting).first()
        unit = self.paper.units.first()
        self.assertIsNotNone(item)
        self.assertIsNotNone(unit)
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)
        self.login("preparer")
        for url in (
            f"/opinions/{opinion.pk}/edit/",
            f"/opinions/{opinion.pk}/delete/",
            f"/opinions/items/{item.pk}/delete/",
            f"/opinions/units/{unit.pk}/delete/",
        ):
            self.assertEqual(self.client.post(url).status_code, 403, url)
        self.assertTrue(Opinion.objects.filter(pk=opinion.pk).exists())
        self.assertTrue(OpinionItem.objects.filter(pk=item.pk).exists())
        self.assertTrue(self.paper.units.filter(pk=unit.pk).exists())

    def test_list_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        url = f"/opinions/campaigns/{self.paper.pk}/opinions/"
        entries = [None, *self.meeting.roster.all()]
        aspects = list(self.meeting.config.aspects.all())
        item = OpinionItem.objects.create(campaign=self.paper, text="归纳", order=99)

        def add(start, stop):
            Opinion.objects.bulk_create(
                Opinion(
                    campaign=self.paper,
                    text=f"意见{i}",
                    target=entries[i % 5],
                    aspect=aspects[i % 5],
                    item=item if i % 2 else None,
                    received_on=DEMO_DAY,
                )
                for i in range(start, stop)
            )

        add(0, 10)
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.assertContains(self.client.get(url), "意见9")
        add(10, 200)
        with self.assertNumQueries(len(small)):
            response = self.client.get(url)
        self.assertNotContains(response, "意见199")  # 50 a page
        self.assertContains(response, "page=2")
        with self.assertNumQueries(len(small)):  # a later page, or a search, the same count
            self.assertContains(self.client.get(url, {"page": "999"}), "意见199")
        with self.assertNumQueries(len(small)):
            response = self.client.get(url, {"q": "意见199"})
        self.assertContains(response, "意见199")
        self.assertNotContains(response, "意见198")


class ImportTest(OpinionsTestCase):
    def url(self):
        return f"/opinions/campaigns/{self.paper.pk}/import/"

    def test_template_lists_columns_and_the_meetings_names(self):
        self.login("preparer")
        response = self.client.get(f"/opinions/campaigns/{self.paper.pk}/import/template/")
        rows = read_sheet(response.content, required=("意见内容", "对象", "方面", "渠道", "来源", "日期"))
        self.assertEqual(rows[0][1]["对象"], "领导班子")
        from openpyxl import load_workbook

        notes = load_workbook(io.BytesIO(response.content))["填写说明"]
        text = " ".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
        self.assertIn("张明、李华、王芳、赵强", text)
        self.assertIn("1.带头强化政治忠诚", text)

    def test_good_sheet_imports_every_row_with_one_audit_event(self):
        self.login("preparer")
        content = sheet(
            [
                ("联系服务群众不够", "领导班子", "3", "征求意见表", "服务对象", "2026-10-21"),
                ("'=会议偏多", "张明同志", "带头固本培元、增强党性", "座谈会", "", "2026年10月22日"),
                ("审批效率有待提高", "李华", "", "", "机关科室", ""),
            ]
        )
        with mock.patch(SERVICES_TODAY, return_value=DEMO_DAY):  # an empty date: the day of the import
            response = self.client.post(self.url(), {"file": io.BytesIO(content)}, follow=True)
        self.assertContains(response, "已导入3条意见")
        self.assertEqual(Opinion.objects.get(text="审批效率有待提高").received_on, DEMO_DAY)
        imported = {o.text: o for o in Opinion.objects.filter(campaign=self.paper, text__in=[
            "联系服务群众不够", "=会议偏多", "审批效率有待提高"])}  # fmt: skip
        self.assertEqual(len(imported), 3)
        second = imported["=会议偏多"]  # neutralised in the sheet, plain text in the database
        self.assertEqual((second.target.name, second.aspect.order, second.channel), ("张明", 2, Channel.FORUM))
        self.assertEqual(second.received_on, dt.date(2026, 10, 22))
        self.assertEqual(imported["审批效率有待提高"].channel, Channel.PAPER)
        self.assertEqual(imported["审批效率有待提高"].source_kind, "division")
        page = self.client.get(f"/opinions/campaigns/{self.paper.pk}/").content.decode()
        self.assertIn("导入了3条意见", page)

    def test_bad_rows_are_all_reported_and_nothing_is_imported(self):
        self.login("preparer")
        before = Opinion.objects.count()
        content = sheet(
            [
                ("意见一", "领导班子", "1", "", "", ""),
                ("意见二", "孙丽", "9", "", "", ""),
                ("", "领导班子", "", "电话", "", "明天"),
            ]
        )
        response = self.client.post(self.url(), {"file": io.BytesIO(content)})
        page = response.content.decode()
        self.assertIn("第3行「对象」：“孙丽”不是本次会议班子名单中的成员", page)
        self.assertIn(
            "第3行「方面」：“9”不是本年度的重点方面（停用的方面不能再选），请填序号（1、2、3、4、5）或标题", page
        )
        self.assertIn("第4行「意见内容」：不能为空", page)
        self.assertIn("第4行「渠道」：“电话”不正确", page)
        self.assertIn("第4行「日期」：“明天”不是日期", page)
        self.assertEqual(Opinion.objects.count(), before)

    def test_missing_column_and_a_non_xlsx_file(self):
        self.login("preparer")
        response = self.client.post(self.url(), {"file": io.BytesIO(sheet([("x",)], headers=("意见内容",)))})
        self.assertContains(response, "第1行表头缺少「对象」列")
        response = self.client.post(self.url(), {"file": io.BytesIO(b"not a spreadsheet")})
        self.assertContains(response, "文件不是有效的 .xlsx 表格")


class VisibilityTest(OpinionsTestCase):
    def test_online_responses_stay_hidden_until_close_and_below_the_threshold(self):
        zhang, li = self.entry("张明"), self.entry("李华")
        self.respond(self.online, None, 5, "对班子")
        self.respond(self.online, zhang, 5, "对张明")
        self.respond(self.online, li, 2, "对李华")
        self.login("preparer")
        url = f"/opinions/campaigns/{self.online.pk}/opinions/"
        page = self.client.get(url).content.decode()
        self.assertNotIn("对班子0", page)
        self.assertIn("另有网上匿名意见12条，征求结束后显示", page)
        campaign_page = self.client.get(f"/opinions/campaigns/{self.online.pk}/").content.decode()
        self.assertIn("网上匿名意见共12条（征求结束后显示）", campaign_page)
        self.assertNotIn("对张明0", campaign_page)

        campaign_close(actor=self.preparer, campaign=self.online, closed_on=DEMO_DAY)
        response = self.client.get(url)
        texts = [o.text for o in response.context["opinions"]]
        self.assertEqual(len(texts), 10)
        self.assertFalse(any(t.startswith("对李华") for t in texts))
        self.assertContains(response, "另有网上匿名意见2条，因对该对象的匿名意见不足5条未显示")
        # Shown in the random order drawn when stored, not in the order they came in.
        keys = [o.shuffle_key for o in response.context["opinions"]]
        self.assertEqual(keys, sorted(keys))
        ids = [o.pk for o in response.context["opinions"]]
        self.assertNotEqual(ids, sorted(ids))  # 10 random keys in id order: a 1 in 10! chance
        # A hidden response is not reachable by its id either.
        hidden = Opinion.objects.get(text="对李华0")
        self.assertEqual(self.client.get(f"/opinions/{hidden.pk}/edit/").status_code, 404)
        tallies = opinion_tallies(self.meeting)
        self.assertEqual({t.name: (t.count, t.withheld) for t in tallies.targets}["李华"], (2, 2))

    def test_member_sees_the_team_and_himself_and_only_his_own_sheet(self):
        self.login("member")
        response = self.client.get(f"/opinions/campaigns/{self.paper.pk}/opinions/")
        targets = {o.target.name if o.target else "班子" for o in response.context["opinions"]}
        self.assertEqual(targets, {"班子", "李华"})
        li, wang = self.entry("李华"), self.entry("王芳")
        page = self.client.get(f"/meetings/{self.meeting.pk}/opinions/feedback/{li.pk}/").content.decode()
        self.assertIn("财务审批环节多", page)
        self.assertIn("理论学习与农业农村工作实际结合不紧", page)  # the team's items, for him to take up
        self.assertNotIn("与乡镇沟通协调不够", page)
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/opinions/feedback/{wang.pk}/").status_code, 403)
        self.login("principal")
        response = self.client.get(f"/opinions/campaigns/{self.paper.pk}/opinions/")
        self.assertEqual(len(response.context["opinions"]), 15)


class GroupingTest(OpinionsTestCase):
    def test_demo_tallies_and_summary(self):
        tallies = opinion_tallies(self.meeting)
        self.assertEqual([t.name for t in tallies.targets], ["领导班子", "张明", "李华", "王芳", "赵强"])
        self.assertEqual(
            tallies.phrase, "对领导班子意见建议8条，对张明同志2条，对李华同志2条，对王芳同志2条，对赵强同志1条"
        )
        self.assertEqual(tallies.summary, "归纳整理为4个方面4项")
        self.assertEqual((tallies.units, tallies.forms_sent, tallies.forms_returned), (5, 22, 20))
        self.assertEqual(tallies.channels, ["征求意见表", "网上征求意见", "座谈会", "意见箱", "个别走访"])
        self.assertFalse(tallies.closed)

    def test_preparer_groups_opinions_into_an_item(self):
        wang = self.entry("王芳")
        mine = list(Opinion.objects.filter(campaign=self.paper, target=wang))
        self.login("preparer")
        response = self.client.post(
            f"/opinions/campaigns/{self.paper.pk}/items/new/",
            {
                "aspect": self.aspect(4).pk,
                "target": wang.pk,
                "text": "钻研业务和统筹协调不够",
                "opinions": [o.pk for o in mine],
            },
            follow=True,
        )
        self.assertContains(response, "归纳项已保存")
        self.assertContains(response, "归纳整理为4个方面5项")
        item = OpinionItem.objects.get(text="钻研业务和统筹协调不够")
        self.assertEqual(set(item.opinions.all()), set(mine))
        self.assertEqual(item.order, 5)
        groups = {g.title: [i.opinion_count for i in g.items] for g in response.context["groups"]}
        self.assertEqual(groups["4. 带头干事创业、担当作为"], [2, 2])
        sheet = feedback_for_member(self.meeting, wang)
        self.assertEqual([i.text for g in sheet.groups for i in g.items], ["钻研业务和统筹协调不够"])
        self.assertEqual(len(sheet.opinions), 2)

        # Taking one opinion out again.
        self.client.post(
            f"/opinions/items/{item.pk}/edit/",
            {"aspect": self.aspect(4).pk, "target": wang.pk, "text": item.text, "order": "5", "opinions": [mine[0].pk]},
        )
        self.assertEqual(list(item.opinions.all()), [mine[0]])
        self.assertIn(
            "调整了归纳项“钻研业务和统筹协调不够”包含的意见（1条）",
            self.client.get(f"/opinions/items/{item.pk}/edit/").content.decode(),
        )
        self.client.post(f"/opinions/items/{item.pk}/delete/")
        mine[0].refresh_from_db()
        self.assertIsNone(mine[0].item_id)

    def test_list_page_shows_tallies_and_sheet_links(self):
        self.login("preparer")
        page = self.client.get(f"/meetings/{self.meeting.pk}/opinions/").content.decode()
        self.assertIn("共征求对领导班子意见建议8条，对张明同志2条", page)
        self.assertIn("归纳整理为4个方面4项", page)
        self.assertEqual(page.count("反馈表</a>"), 4)
        self.login("member")
        page = self.client.get(f"/meetings/{self.meeting.pk}/opinions/").content.decode()
        self.assertEqual(page.count("反馈表</a>"), 1)
