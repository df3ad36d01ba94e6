"""Anonymity that survives its own administrators (issue 9): the preparer cannot defeat the
threshold unseen, cannot lower it (or the settings that protect the respondents) once responses
arrived, cannot close and reopen without a trace, and after the close the database file no longer
tells which texts were sent together or in what order."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock, skipUnless

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from docx import Document

from mingjing.opinions.demo import ONLINE_TITLE
from mingjing.opinions.models import Campaign, CampaignStateChange, Opinion, StateChange
from mingjing.opinions.services import (
    campaign_close,
    campaign_create,
    campaign_reopen,
    campaign_update,
    opinion_update,
)
from mingjing.test import DEMO_DAY, BaseTestCase

SERVICES_TODAY = "mingjing.opinions.services.today"
VIEWS_TODAY = "mingjing.opinions.views.today"


class TrustTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.online = Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE)
        cls.form_url = f"/o/{cls.online.public_token}/"

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def post_form(self, on: dt.date, data: dict):
        """What anyone with the link does, on day `on` (whoever is signed in: the form ignores it)."""
        with mock.patch(SERVICES_TODAY, return_value=on), mock.patch(VIEWS_TODAY, return_value=on):
            response = self.client.post(self.form_url, data)
        self.assertContains(response, "提交成功")
        return response

    def close_online(self, on: dt.date) -> None:
        with mock.patch(SERVICES_TODAY, return_value=on):
            response = self.client.post(f"/opinions/campaigns/{self.online.pk}/close/", {"closed_on": on.isoformat()})
        self.assertEqual(response.status_code, 302)
        self.online.refresh_from_db()
        self.assertTrue(self.online.is_closed)


class PaddingIsVisibleTest(TrustTestCase):
    def test_the_preparers_extra_submissions_show_per_day_to_the_supervisor(self):
        genuine_day = self.online.opens_on
        padding_day = genuine_day + dt.timedelta(days=2)
        wang = self.entry("王芳")
        # One genuine response about 王芳 …
        self.post_form(genuine_day, {f"text_{wang.pk}": "王芳同志对分管科室的要求不够严格（真实意见）"})
        # … then the preparer himself fills the form four times to lift 王芳 over the threshold of 5,
        # and closes the campaign.
        self.login("preparer")
        for i in range(4):
            self.post_form(padding_day, {f"text_{wang.pk}": f"凑数的意见{i}"})
        self.close_online(padding_day)
        # The five are shown (the threshold alone cannot tell) …
        self.login("supervisor")
        page = self.client.get(f"/opinions/campaigns/{self.online.pk}/opinions/")
        self.assertContains(page, "真实意见")
        # … but the supervisor sees how many came in each day, and nothing else about them.
        page = self.client.get(f"/opinions/campaigns/{self.online.pk}/")
        self.assertContains(page, "网上匿名意见逐日数量")
        per_day = page.context["oversight"].per_day
        self.assertEqual(per_day, [(genuine_day, 1), (padding_day, 4)])
        html = page.content.decode()
        table = html[html.index('id="per-day"') : html.index("</table>", html.index('id="per-day"'))]
        self.assertIn(f"<td>{genuine_day.year}年{genuine_day.month}月{genuine_day.day}日</td><td>1</td>", table)
        self.assertIn(f"<td>{padding_day.year}年{padding_day.month}月{padding_day.day}日</td><td>4</td>", table)
        self.assertNotIn("凑数", table)
        self.assertNotIn("王芳", table)

        # The staff sees it too; a member does not.
        self.login("preparer")
        self.assertContains(self.client.get(f"/opinions/campaigns/{self.online.pk}/"), 'id="per-day"')
        self.login("member")
        page = self.client.get(f"/opinions/campaigns/{self.online.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="per-day"')
        self.assertIsNone(page.context["oversight"])

    def test_shown_responses_cannot_be_moved_onto_a_target_below_the_threshold(self):
        day = self.online.opens_on
        team, zhao = None, self.entry("赵强")
        for i in range(5):
            self.post_form(day, {"text_team": f"对班子的意见{i}"})
        self.post_form(day, {f"text_{zhao.pk}": "只有一个人写了赵强同志"})
        self.login("preparer")
        self.close_online(day)
        shown = Opinion.objects.filter(campaign=self.online, from_public_form=True, target=team).first()
        with self.assertRaisesMessage(ValidationError, "网上匿名意见不能改变对象"):
            opinion_update(actor=self.preparer, opinion=shown, data={"target": zhao})
        self.assertEqual(Opinion.objects.filter(campaign=self.online, target=zhao).count(), 1)
        # Refiling under an aspect stays possible.
        aspect = self.meeting.config.aspects.get(order=1)
        opinion_update(actor=self.preparer, opinion=shown, data={"aspect": aspect, "target": None})
        shown.refresh_from_db()
        self.assertEqual(shown.aspect, aspect)


class SettingsOnlyGetStricterTest(TrustTestCase):
    def setUp(self) -> None:
        self.online.refresh_from_db()
        self.post_form(self.online.opens_on, {"text_team": "第一份网上意见"})

    def test_threshold_and_anonymity_settings_cannot_be_lowered_after_the_first_response(self):
        for data, field, message in [
            ({"min_responses_shown": 1}, "min_responses_shown", "显示门槛不能降低（现为5条）"),
            ({"online_enabled": False}, "online_enabled", "不能关闭“网上匿名填写”"),
        ]:
            with self.assertRaises(ValidationError) as caught:
                campaign_update(actor=self.preparer, campaign=self.online, data=data)
            self.assertIn(field, caught.exception.message_dict)
            self.assertIn(message, caught.exception.message_dict[field][0])
        self.online.refresh_from_db()
        self.assertEqual((self.online.min_responses_shown, self.online.online_enabled), (5, True))
        # Stricter is always allowed, and codes once required stay required.
        campaign_update(actor=self.preparer, campaign=self.online, data={"min_responses_shown": 8})
        campaign_update(actor=self.preparer, campaign=self.online, data={"requires_ballot": True})
        with self.assertRaisesMessage(ValidationError, "不能取消“须凭一次性填写码提交”"):
            campaign_update(actor=self.preparer, campaign=self.online, data={"requires_ballot": False})
        with self.assertRaisesMessage(ValidationError, "显示门槛不能降低（现为8条）"):
            campaign_update(actor=self.preparer, campaign=self.online, data={"min_responses_shown": 5})

    def test_the_edit_page_names_the_field_and_closing_does_not_unlock_it(self):
        self.login("preparer")
        self.close_online(self.online.opens_on)
        data = {
            "title": self.online.title,
            "channels": ["online"],
            "opens_on": self.online.opens_on.isoformat(),
            "closes_on": self.online.closes_on.isoformat(),
            "online_enabled": "on",
            "audience": "public",
            "min_responses_shown": "1",
        }
        response = self.client.post(f"/opinions/campaigns/{self.online.pk}/edit/", data)
        self.assertContains(response, "显示门槛不能降低")
        self.online.refresh_from_db()
        self.assertEqual(self.online.min_responses_shown, 5)

    def test_only_the_staff_changes_a_campaign_whatever_the_path(self):
        for persona in ("supervisor", "superior", "principal", "member"):
            with self.assertRaises(PermissionDenied):
                campaign_update(actor=getattr(self, persona), campaign=self.online, data={"min_responses_shown": 9})
            with self.assertRaises(PermissionDenied):
                campaign_close(actor=getattr(self, persona), campaign=self.online)


class CloseAndReopenOnRecordTest(TrustTestCase):
    def test_reopening_needs_a_reason_which_the_supervisor_and_the_summary_show(self):
        self.login("preparer")
        first_close = self.online.opens_on
        self.post_form(first_close, {"text_team": "一条意见"})
        self.close_online(first_close)
        with self.assertRaisesMessage(ValidationError, "请说明重新开放的原因"):
            campaign_reopen(actor=self.preparer, campaign=self.online, reason="  ")
        response = self.client.post(f"/opinions/campaigns/{self.online.pk}/reopen/", {"reason": ""}, follow=True)
        self.assertContains(response, "重新开放的原因：这个字段是必填项")
        self.online.refresh_from_db()
        self.assertTrue(self.online.is_closed)

        reopened_on = first_close + dt.timedelta(days=1)
        with mock.patch(SERVICES_TODAY, return_value=reopened_on):
            self.client.post(f"/opinions/campaigns/{self.online.pk}/reopen/", {"reason": "执法支队尚未反馈，补充征求"})
        self.online.refresh_from_db()
        self.assertFalse(self.online.is_closed)
        second_close = reopened_on + dt.timedelta(days=1)
        self.post_form(second_close, {"text_team": "又一条意见"})
        # A close cannot be dated before the reopen it ends.
        with self.assertRaisesMessage(ValidationError, "结束日期不能早于上次重新开放的日期"):
            campaign_close(actor=self.preparer, campaign=self.online, closed_on=first_close)
        self.close_online(second_close)
        self.assertEqual(
            list(CampaignStateChange.objects.filter(campaign=self.online).values_list("change", "on", "online")),
            [
                (StateChange.CLOSED, first_close, 1),
                (StateChange.REOPENED, reopened_on, 1),
                (StateChange.CLOSED, second_close, 2),
            ],
        )

        self.login("supervisor")
        page = self.client.get(f"/opinions/campaigns/{self.online.pk}/")
        self.assertContains(page, "结束和重新开放记录")
        self.assertContains(page, "执法支队尚未反馈，补充征求")
        self.assertEqual(len(page.context["state_changes"]), 3)

        response = self.client.get(
            f"/meetings/{self.meeting.pk}/documents/opinion-summary/download/", {"format": "docx"}
        )
        self.assertEqual(response.status_code, 200)
        lines = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        self.assertIn("征求意见结束和重新开放情况", lines)
        self.assertIn("征求期间重新开放1次。", lines)
        self.assertIn(f"{_cn(reopened_on)}，“{ONLINE_TITLE}”重新开放征求，原因：执法支队尚未反馈，补充征求。", lines)
        self.assertIn(f"{_cn(first_close)}，“{ONLINE_TITLE}”结束征求，当时收到网上匿名意见1条。", lines)
        self.assertIn(f"{_cn(second_close)}，“{ONLINE_TITLE}”结束征求，当时收到网上匿名意见2条。", lines)


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class CodesDefaultForAClosedGroupTest(TrustTestCase):
    def test_a_closed_groups_form_needs_single_use_codes_unless_the_preparer_opts_out(self):
        self.login("preparer")
        page = self.client.get(f"/meetings/{self.meeting.pk}/opinions/new/")
        self.assertContains(
            page,
            'name="requires_ballot" aria-describedby="id_requires_ballot_helptext" id="id_requires_ballot" checked',
        )
        self.assertContains(page, 'value="group" id="id_audience_0" checked')

        # Created without saying anything about codes: a closed group gets them.
        campaign = campaign_create(
            actor=self.preparer,
            meeting=self.meeting,
            title="向机关党员征求意见",
            opens_on=DEMO_DAY,
            closes_on=DEMO_DAY + dt.timedelta(days=5),
        )
        self.assertTrue(campaign.requires_ballot)
        with mock.patch(SERVICES_TODAY, return_value=DEMO_DAY), mock.patch(VIEWS_TODAY, return_value=DEMO_DAY):
            response = self.client.post(f"/o/{campaign.public_token}/", {"text_team": "无码提交", "ballot_code": ""})
        self.assertContains(response, "请填写发给您的一次性填写码")
        self.assertFalse(Opinion.objects.filter(campaign=campaign).exists())

        # The public (service users, the masses) cannot be counted: no codes unless asked for.
        public = campaign_create(
            actor=self.preparer,
            meeting=self.meeting,
            title="向服务对象征求意见",
            opens_on=DEMO_DAY,
            closes_on=DEMO_DAY + dt.timedelta(days=5),
            audience="public",
        )
        self.assertFalse(public.requires_ballot)

        # A closed group's form without codes is flagged to the supervisor.
        opted_out = campaign_create(
            actor=self.preparer,
            meeting=self.meeting,
            title="向机关党员征求意见（不发码）",
            opens_on=DEMO_DAY,
            closes_on=DEMO_DAY + dt.timedelta(days=5),
            requires_ballot=False,
        )
        self.login("supervisor")
        self.assertContains(self.client.get(f"/opinions/campaigns/{opted_out.pk}/"), 'id="no-codes-warning"')
        self.assertNotContains(self.client.get(f"/opinions/campaigns/{campaign.pk}/"), 'id="no-codes-warning"')


@skipUnless(connection.vendor == "sqlite", "reads the raw bytes of the embedded SQLite database file")
class DatabaseFileTest(TrustTestCase):
    """The raw bytes of the SQLite file, not the ORM's view of it."""

    SUBMISSIONS = 6

    def text(self, submission: int, part: int) -> str:
        # ASCII markers (found byte for byte) in ordinary Chinese text.
        return f"第{submission}份第{part}条意见 MARK-S{submission}-P{part}-END 希望改进工作作风"

    def file_bytes(self) -> bytes:
        """The test database lives in memory: write its image (sqlite3_serialize: the pages as the
        file and its backups hold them, free space included) to a real file and read that file."""
        connection.ensure_connection()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "copy.sqlite3"
            path.write_bytes(connection.connection.serialize())
            with sqlite3.connect(path) as check:  # it is a database file, not just bytes
                self.assertEqual(check.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            check.close()
            return path.read_bytes()

    def offsets(self, data: bytes, texts: list[str]) -> dict[str, list[int]]:
        return {t: _find_all(data, t.encode()) for t in texts}

    def test_after_close_no_submissions_texts_lie_together_in_submission_order(self):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            self.assertEqual(cursor.fetchone()[0], 1, "settings turn secure_delete on for every connection")
        roster = [None, self.entry("张明"), self.entry("李华")]
        keys = ["team", str(roster[1].pk), str(roster[2].pk)]
        # Fixed seeds make the random ids and the shuffle at close one fixed draw, so the test does
        # not depend on luck; in production every order is equally likely. On the old code the
        # texts of a submission lie side by side in submission order whatever the draw.
        ids, order = random.Random(20261102), random.Random(7)
        # Ids rising above every row the demo holds (with random gaps), so this test's rows fill fresh
        # pages at the table's end in the order they are written, however many opinions the demo has:
        # random ids scattered among the demo's rows would split pages and hide the grouping the old
        # code left.
        top = [max(2**62, Opinion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)]

        def draw_id() -> int:
            top[0] += 1 + ids.randrange(2**20)
            return top[0]

        with (
            mock.patch("mingjing.opinions.services._random_opinion_id", side_effect=draw_id),
            mock.patch("mingjing.opinions.services._shuffle", side_effect=order.shuffle),
        ):
            for s in range(self.SUBMISSIONS):
                self.post_form(self.online.opens_on, {f"text_{k}": self.text(s, p) for p, k in enumerate(keys)})
            texts = [self.text(s, p) for s in range(self.SUBMISSIONS) for p in range(len(keys))]

            # While open: the file holds the submissions' texts side by side, as they came (one may
            # straddle a page boundary, where SQLite's fill order turns round).
            before = self.offsets(self.file_bytes(), texts)
            self.assertTrue(all(len(found) == 1 for found in before.values()), before)
            self.assertGreaterEqual(
                len(self.runs(before, texts)), self.SUBMISSIONS - 1, "while open, the file groups them"
            )
            ids_before = set(Opinion.objects.filter(campaign=self.online).values_list("pk", flat=True))

            self.login("preparer")
            with self.captureOnCommitCallbacks(execute=True) as callbacks:
                self.close_online(self.online.opens_on)
            self.assertEqual(len(callbacks), 1)  # the -wal file is emptied once the close is committed

        after = self.offsets(self.file_bytes(), texts)
        # Each text is in the file once: the old rows' bytes were zeroed, not left in free space.
        self.assertEqual({t: len(found) for t, found in after.items()}, dict.fromkeys(texts, 1))
        self.assertEqual(self.runs(after, texts), [])
        in_file = sorted(texts, key=lambda t: after[t][0])
        self.assertNotEqual(in_file, texts)
        self.assertNotEqual(in_file, texts[::-1])
        # New random ids: none of those given at submission is left.
        ids_after = set(Opinion.objects.filter(campaign=self.online).values_list("pk", flat=True))
        self.assertEqual(len(ids_after), len(texts))
        self.assertFalse(ids_after & ids_before)
        self.assertTrue(all(pk >= 2**62 for pk in ids_after))

    def runs(self, offsets: dict[str, list[int]], texts: list[str]) -> list[int]:
        """The submissions whose texts lie together in the file, one after the other in the order
        they were written (or its reverse: SQLite fills a page from its end), with none of the
        other texts between them: those the file shows as sent together."""
        position = {t: i for i, t in enumerate(sorted(texts, key=lambda t: offsets[t][0]))}
        found = []
        for s in range(self.SUBMISSIONS):
            places = [position[self.text(s, p)] for p in range(3)]
            steps = {b - a for a, b in itertools.pairwise(places)}
            if steps in ({1}, {-1}):
                found.append(s)
        return found


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, start = [], 0
    while (i := data.find(needle, start)) != -1:
        found.append(i)
        start = i + 1
    return found
