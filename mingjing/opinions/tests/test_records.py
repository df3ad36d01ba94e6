"""Issue 12 in the opinions app: dates checked against the meeting, text limits, retired aspects."""

from __future__ import annotations

import io
from unittest import mock

from django.core.exceptions import ValidationError

from mingjing.opinions.models import Campaign, Opinion, OpinionItem
from mingjing.opinions.services import (
    PublicEntry,
    import_notes,
    item_create,
    opinion_record,
    opinion_submit_public,
    opinion_update,
)
from mingjing.opinions.tests.test_opinions import SERVICES_TODAY, OpinionsTestCase, sheet
from mingjing.problems.models import Problem
from mingjing.test import DEMO_DAY

VIEWS_TODAY = "mingjing.opinions.views.today"


class DatesTest(OpinionsTestCase):
    def import_(self, rows):
        self.login("preparer")
        url = f"/opinions/campaigns/{self.paper.pk}/import/"
        with mock.patch(SERVICES_TODAY, return_value=DEMO_DAY):
            return self.client.post(url, {"file": io.BytesIO(sheet(rows))})

    def test_import_refuses_absurd_dates_naming_row_and_column(self):
        before = Opinion.objects.count()
        response = self.import_(
            [
                ("意见一", "领导班子", "", "", "", "2026-10-21"),
                ("意见二", "领导班子", "", "", "", "9999-12-31"),
                ("意见三", "领导班子", "", "", "", "0001-01-01"),
            ]
        )
        page = response.content.decode()
        self.assertIn("第3行「日期」：收到日期应在2025年1月1日至", page)
        self.assertIn("第4行「日期」：收到日期应在2025年1月1日至", page)
        self.assertNotIn("第2行", page)
        self.assertEqual(Opinion.objects.count(), before)

    def test_typed_opinion_after_the_meeting_is_refused(self):
        self.login("preparer")
        url = f"/opinions/campaigns/{self.paper.pk}/opinions/new/"
        data = {"text": "意见", "target": "team", "channel": "paper", "received_on": "2030-01-01"}
        response = self.client.post(url, data)
        self.assertContains(response, "收到日期应在2025年1月1日至")
        self.assertFalse(Opinion.objects.filter(received_on="2030-01-01").exists())
        with self.assertRaises(ValidationError) as caught:
            opinion_record(actor=self.preparer, campaign=self.paper, text="意见", received_on=DEMO_DAY.replace(year=1))
        self.assertIn("received_on", caught.exception.message_dict)

    def test_campaign_dates_within_the_meeting_and_in_order(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/opinions/new/"
        data = {"title": "向群众征求意见", "channels": ["paper"], "min_responses_shown": "5"}
        response = self.client.post(url, {**data, "opens_on": "2019-03-01", "closes_on": "2030-01-01"})
        self.assertContains(response, "开始日期应在2025年1月1日至")
        self.assertContains(response, "截止日期应在2025年1月1日至")
        response = self.client.post(url, {**data, "opens_on": "2026-11-10", "closes_on": "2026-11-05"})
        self.assertContains(response, "截止日期不能早于开始日期")
        self.assertFalse(Campaign.objects.filter(title="向群众征求意见").exists())


class LengthsTest(OpinionsTestCase):
    def test_anonymous_form_says_in_chinese_how_long_an_opinion_may_be(self):
        campaign = self.online
        url = f"/o/{campaign.public_token}/"
        with mock.patch(VIEWS_TODAY, return_value=campaign.opens_on):
            page = self.client.get(url)
            self.assertContains(page, "最多2000字")
            self.assertContains(page, 'maxlength="2000"')
            with mock.patch(SERVICES_TODAY, return_value=campaign.opens_on):
                response = self.client.post(url, {"text_team": "多" * 2345})
        self.assertContains(response, "意见建议最多2000字（现有2345字）")
        self.assertNotContains(response, "该变量")
        self.assertEqual(dict(response.cookies), {})
        self.assertFalse(Opinion.objects.filter(campaign=campaign, text__startswith="多多多").exists())

    def test_limits_are_shown_and_enforced_in_forms_services_and_import(self):
        self.login("preparer")
        page = self.client.get(f"/opinions/campaigns/{self.paper.pk}/opinions/new/")
        self.assertContains(page, "最多2000字")
        page = self.client.get(f"/opinions/campaigns/{self.paper.pk}/edit/")
        self.assertContains(page, "最多1000字")  # the campaign's note
        response = self.client.post(
            f"/opinions/campaigns/{self.paper.pk}/edit/",
            {
                "title": self.paper.title,
                "channels": ["paper"],
                "opens_on": self.paper.opens_on,
                "closes_on": self.paper.closes_on,
                "min_responses_shown": "5",
                "note": "说" * 1001,
            },
        )
        self.assertContains(response, "说明最多1000字（现有1001字）")
        with self.assertRaises(ValidationError) as caught:
            item_create(actor=self.preparer, campaign=self.paper, text="归" * 2001)
        self.assertEqual(caught.exception.message_dict["text"], ["归纳后的意见最多2000字（现有2001字）"])
        self.assertFalse(OpinionItem.objects.filter(text__startswith="归归").exists())
        with mock.patch(SERVICES_TODAY, return_value=DEMO_DAY):
            response = self.client.post(
                f"/opinions/campaigns/{self.paper.pk}/import/",
                {"file": io.BytesIO(sheet([("长" * 2001, "领导班子", "", "", "", "")]))},
            )
        self.assertContains(response, "第2行「意见内容」：意见内容最多2000字（现有2001字）")


class RetiredAspectTest(OpinionsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.retired = cls.meeting.config.aspects.get(order=5)
        cls.retired.retired = True
        cls.retired.save(update_fields=["retired"])
        cls.old = Opinion.objects.create(campaign=cls.paper, text="旧意见", aspect=cls.retired, received_on=DEMO_DAY)

    def option(self) -> str:
        return f'<option value="{self.retired.pk}"'

    def test_new_records_are_not_offered_a_retired_aspect(self):
        self.login("preparer")
        for url in (
            f"/opinions/campaigns/{self.paper.pk}/opinions/new/",
            f"/opinions/campaigns/{self.paper.pk}/items/new/",
            f"/meetings/{self.meeting.pk}/problems/new/",
        ):
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertNotContains(page, self.option(), msg_prefix=url)
            self.assertContains(page, f'<option value="{self.meeting.config.aspects.get(order=4).pk}"')
        printable = self.client.get(f"/opinions/campaigns/{self.paper.pk}/form/")
        self.assertNotContains(printable, self.retired.title)
        with mock.patch(VIEWS_TODAY, return_value=self.online.opens_on):
            public = self.client.get(f"/o/{self.online.public_token}/")
        self.assertNotContains(public, self.option())
        self.assertNotContains(public, self.retired.title)

    def test_a_record_keeps_its_retired_aspect_when_edited(self):
        self.login("preparer")
        url = f"/opinions/{self.old.pk}/edit/"
        self.assertContains(self.client.get(url), self.option())
        data = {"text": "旧意见（改）", "target": "team", "aspect": self.retired.pk, "channel": "paper"}
        response = self.client.post(url, {**data, "received_on": DEMO_DAY}, follow=True)
        self.assertContains(response, "意见已保存")
        self.old.refresh_from_db()
        self.assertEqual((self.old.text, self.old.aspect_id), ("旧意见（改）", self.retired.pk))
        problem = Problem.objects.filter(meeting=self.meeting).first()
        Problem.objects.filter(pk=problem.pk).update(aspect=self.retired)
        self.assertContains(self.client.get(f"/problems/{problem.pk}/edit/"), self.option())

    def test_services_and_import_refuse_a_retired_aspect_for_a_new_record(self):
        with self.assertRaises(ValidationError) as caught:
            opinion_record(
                actor=self.preparer, campaign=self.paper, text="新意见", aspect=self.retired, received_on=DEMO_DAY
            )
        self.assertIn("已停用", caught.exception.message_dict["aspect"][0])
        other = Opinion.objects.create(campaign=self.paper, text="另一条", received_on=DEMO_DAY)
        with self.assertRaises(ValidationError):
            opinion_update(actor=self.preparer, opinion=other, data={"aspect": self.retired})
        with self.assertRaises(ValidationError):
            item_create(actor=self.preparer, campaign=self.paper, text="归纳", aspect=self.retired)
        with mock.patch(SERVICES_TODAY, return_value=self.online.opens_on), self.assertRaises(ValidationError):
            entries = [PublicEntry(target=None, aspect=self.retired, text="网上")]
            opinion_submit_public(campaign=self.online, entries=entries)
        self.login("preparer")
        with mock.patch(SERVICES_TODAY, return_value=DEMO_DAY):
            response = self.client.post(
                f"/opinions/campaigns/{self.paper.pk}/import/",
                {"file": io.BytesIO(sheet([("新意见", "领导班子", "5", "", "", "")]))},
            )
        self.assertContains(response, "第2行「方面」：“5”不是本年度的重点方面")
        self.assertNotIn(self.retired.title, str(import_notes(self.meeting)))
