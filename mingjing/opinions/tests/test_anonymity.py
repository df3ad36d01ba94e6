"""The anonymous form keeps its promises: no cookie, no session read or write, nothing stored that
could point to the sender, no time finer than the date, single-use ballot codes."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models

from mingjing.audit.models import AuditEvent
from mingjing.opinions.demo import ONLINE_TITLE, PAPER_TITLE
from mingjing.opinions.models import BallotCode, Campaign, Channel, Opinion
from mingjing.opinions.services import ballot_codes_issue
from mingjing.test import DEMO_DAY, BaseTestCase

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (X11) UniqueTestAgent/4711"
TODAY = "mingjing.opinions.services.today"
VIEW_TODAY = "mingjing.opinions.views.today"

# Every column an Opinion may have. A new one must be argued for here: could it identify or date
# the sender?
OPINION_FIELDS = {
    "id",
    "campaign",
    "text",
    "target",
    "aspect",
    "channel",
    "from_public_form",
    "source_kind",
    "received_on",
    "item",
    "shuffle_key",
}
BALLOT_FIELDS = {"id", "campaign", "code_hash", "spent", "group", "issued_on"}


def rows_referencing_user(user) -> set[tuple[str, int]]:
    """(model, pk) of every row in every table with a foreign key (or one-to-one) to the user model."""
    found = set()
    user_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                for pk in model.objects.filter(**{field.name: user}).values_list("pk", flat=True):
                    found.add((model._meta.label, pk))
    return found


def rows_containing(text: str) -> list[str]:
    """Every row of every table with a text or JSON column containing `text`."""
    hits = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                lookup = {f"{field.name}__contains": text}
                if isinstance(field, models.JSONField):
                    lookup = {f"{field.name}__icontains": text}
                try:
                    if model.objects.filter(**lookup).exists():
                        hits.append(f"{model._meta.label}.{field.name}")
                except Exception:  # a JSON lookup the backend cannot do on this column
                    continue
    return hits


class AnonymousFormTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE)
        cls.url = f"/o/{cls.campaign.public_token}/"

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def submit(self, data, **extra):
        with mock.patch(TODAY, return_value=DEMO_DAY), mock.patch(VIEW_TODAY, return_value=DEMO_DAY):
            return self.client.post(self.url, data, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT, **extra)

    def get(self):
        with mock.patch(VIEW_TODAY, return_value=DEMO_DAY):
            return self.client.get(self.url, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)

    def test_logged_in_user_submits_and_nothing_links_him_to_it(self):
        user = self.member
        self.login("member")
        session_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        session_before = Session.objects.values_list("session_data", "expire_date").get(session_key=session_key)
        referencing_before = rows_referencing_user(user)
        audit_before = AuditEvent.objects.count()
        opinions_before = set(Opinion.objects.values_list("pk", flat=True))

        page = self.get()
        self.assertEqual(page.status_code, 200)
        self.assertEqual(dict(page.cookies), {})
        self.assertNotIn("csrfmiddlewaretoken", page.content.decode())
        self.assertNotIn(user.username, page.content.decode())
        response = self.submit(
            {
                "text_team": "希望多到基层走走",
                f"text_{self.entry('张明').pk}": "会上定事要多听意见",
                f"aspect_{self.entry('张明').pk}": str(self.meeting.config.aspects.get(order=2).pk),
            }
        )
        self.assertContains(response, "提交成功")
        self.assertContains(response, "共2条意见建议已收到")
        self.assertEqual(dict(response.cookies), {})
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")

        # The session row is unchanged: not read-and-rewritten, not extended, nothing stored in it.
        self.assertEqual(
            Session.objects.values_list("session_data", "expire_date").get(session_key=session_key), session_before
        )
        # No row in any table with a foreign key to the user model appeared for him, and no audit event at all.
        self.assertEqual(rows_referencing_user(user), referencing_before)
        self.assertEqual(AuditEvent.objects.count(), audit_before)
        # Neither his address, his browser, his account name nor his session key is stored anywhere.
        for trace in (IP, "UniqueTestAgent"):
            self.assertEqual(rows_containing(trace), [], trace)
        self.assertEqual(rows_containing(session_key), ["sessions.Session.session_key"])  # the session itself
        self.assertEqual(rows_containing(user.username), ["auth.User.username"])  # his own account row only

        new = list(Opinion.objects.exclude(pk__in=opinions_before).order_by("target_id"))
        self.assertEqual(len(new), 2)
        for opinion in new:
            self.assertTrue(opinion.from_public_form)
            self.assertEqual(opinion.channel, Channel.ONLINE)
            self.assertEqual(opinion.received_on, DEMO_DAY)
            self.assertIsInstance(opinion.received_on, dt.date)
            self.assertGreater(opinion.shuffle_key, 0)
            self.assertEqual(opinion.source_kind, "")
        self.assertEqual({o.target.name if o.target else "班子" for o in new}, {"班子", "张明"})
        # Their ids neither follow the sequence of typed opinions nor sit next to each other, so they
        # tell nothing about when, or that they were sent together.
        typed = Opinion.objects.filter(from_public_form=False).order_by("-pk").values_list("pk", flat=True).first()
        a, b = sorted(o.pk for o in new)
        self.assertGreater(a, typed + 10**9)
        self.assertGreater(b - a, 10**6)

    def test_anonymous_visitor_gets_no_cookie_either(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(dict(response.cookies), {})
        response = self.submit({"text_team": "意见"})
        self.assertContains(response, "提交成功")
        self.assertEqual(dict(response.cookies), {})

    def test_the_session_is_not_even_read(self):
        self.login("member")
        from django.contrib.sessions.backends.db import SessionStore

        with mock.patch.object(SessionStore, "load", side_effect=AssertionError("session read")):
            self.assertEqual(self.get().status_code, 200)
            self.assertContains(self.submit({"text_team": "意见"}), "提交成功")

    def test_opinion_and_ballot_code_have_only_allowed_columns(self):
        self.assertEqual({f.name for f in Opinion._meta.concrete_fields}, OPINION_FIELDS)
        self.assertEqual({f.name for f in BallotCode._meta.concrete_fields}, BALLOT_FIELDS)
        for model in (Opinion, BallotCode):
            for field in model._meta.concrete_fields:
                self.assertNotIsInstance(field, models.DateTimeField | models.TimeField | models.GenericIPAddressField)
        # Nothing points from a ballot code to an opinion or back.
        self.assertFalse(any(f.related_model is Opinion for f in BallotCode._meta.get_fields() if f.is_relation))

    def test_empty_form_and_bad_ids_are_refused(self):
        response = self.submit({})
        self.assertContains(response, "请至少填写一条意见")
        other_meeting_entry = self.last_meeting.roster.get(name="张明")
        response = self.submit({f"text_{other_meeting_entry.pk}": "x"})
        self.assertContains(response, "请至少填写一条意见")  # a field that is not on the form is ignored
        self.assertFalse(Opinion.objects.filter(campaign=self.campaign).exists())

    def test_before_opening_and_after_closing_the_form_says_so(self):
        with mock.patch(VIEW_TODAY, return_value=self.campaign.opens_on - dt.timedelta(days=1)):
            page = self.client.get(self.url)
        self.assertContains(page, "开始接受填写")
        self.assertNotContains(page, "<textarea")
        with mock.patch(VIEW_TODAY, return_value=self.campaign.closes_on + dt.timedelta(days=1)):
            page = self.client.get(self.url)
            self.client.post(self.url, {"text_team": "迟到的意见"})
        self.assertContains(page, "不再接受填写")
        self.assertFalse(Opinion.objects.filter(campaign=self.campaign).exists())

    def test_an_archived_meeting_takes_no_more_responses(self):
        type(self.meeting).objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)
        page = self.get()
        self.assertContains(page, "不再接受填写")
        self.assertNotContains(page, "<textarea")
        response = self.submit({"text_team": "归档后的意见"})
        self.assertEqual(dict(response.cookies), {})
        self.assertFalse(Opinion.objects.filter(campaign=self.campaign, text="归档后的意见").exists())

    def test_unknown_token_and_a_round_without_online_form_are_not_found(self):
        self.assertEqual(self.client.get("/o/no-such-token/").status_code, 404)
        paper = Campaign.objects.get(meeting=self.meeting, title=PAPER_TITLE)
        self.assertEqual(self.client.get(f"/o/{paper.public_token}/").status_code, 404)


class BallotCodeTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE)
        cls.url = f"/o/{cls.campaign.public_token}/"

    def post(self, data):
        with mock.patch(TODAY, return_value=DEMO_DAY), mock.patch(VIEW_TODAY, return_value=DEMO_DAY):
            return self.client.post(self.url, data)

    def test_preparer_issues_codes_shown_once_and_each_admits_one_submission(self):
        self.login("preparer")
        with mock.patch(TODAY, return_value=DEMO_DAY):
            page = self.client.post(
                f"/opinions/campaigns/{self.campaign.pk}/ballots/", {"count": "3", "group": "机关第一党支部党员"}
            )
        self.assertContains(page, "只显示这一次")
        self.assertEqual(page["Cache-Control"], "no-store")
        codes = [c for c in page.context["codes"]]
        self.assertEqual(len(codes), 3)
        self.assertEqual(BallotCode.objects.filter(campaign=self.campaign).count(), 3)
        for code in codes:
            self.assertEqual(rows_containing(code), [], "only the hash is kept")
            self.assertEqual(rows_containing(code.replace("-", "")), [])
        self.campaign.refresh_from_db()
        self.assertTrue(self.campaign.requires_ballot)
        self.assertContains(
            self.client.get(f"/opinions/campaigns/{self.campaign.pk}/"),
            "生成了3个一次性填写码（机关第一党支部党员）",
        )

        self.client.logout()
        self.assertContains(self.post({"text_team": "没有码"}), "请填写发给您的一次性填写码")
        self.assertContains(self.post({"text_team": "错码", "ballot_code": "AAAAA-AAAAA"}), "填写码不正确")
        # Lower case and without the dash is the same code.
        lowered = codes[0].lower().replace("-", "")
        self.assertContains(self.post({"text_team": "第一份", "ballot_code": lowered}), "提交成功")
        self.assertContains(self.post({"text_team": "第二份", "ballot_code": codes[0]}), "该填写码已经使用过")
        self.assertContains(self.post({"text_team": "第三份", "ballot_code": codes[1]}), "提交成功")
        self.assertEqual(
            sorted(Opinion.objects.filter(campaign=self.campaign).values_list("text", flat=True)), ["第一份", "第三份"]
        )
        self.assertEqual(BallotCode.objects.filter(campaign=self.campaign, spent=True).count(), 2)

    def test_codes_download_as_xlsx(self):
        from mingjing.lib.xlsx import read_sheet

        self.login("preparer")
        response = self.client.post(
            f"/opinions/campaigns/{self.campaign.pk}/ballots/", {"count": "5", "group": "", "format": "xlsx"}
        )
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        rows = read_sheet(response.content, required=("序号", "填写码"))
        self.assertEqual(len(rows), 5)
        self.assertTrue(all(len(r["填写码"]) == 11 for _, r in rows))

    def test_no_codes_for_a_closed_campaign_and_limits(self):
        with self.assertRaisesMessage(Exception, "一次可生成1至500个填写码"):
            ballot_codes_issue(actor=None, campaign=self.campaign, count=501)
