"""待办 as each demo persona: computed from the records, each entry linking to where it is done."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.accounts.models import Role
from mingjing.accounts.services import membership_grant
from mingjing.materials.models import Material
from mingjing.materials.models import Status as MaterialStatus
from mingjing.meetings.models import Meeting
from mingjing.organizations.models import Organization
from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.models import RectificationItem, RectificationSettings, Status
from mingjing.rectification.services import closure_request, closure_verify, item_create
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.todo.selectors import ITEMS, REVIEW, VERIFY, WRITE, todos_for_user

MEDIA = tempfile.mkdtemp(prefix="mingjing-todo-tests-")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("佐证.pdf", EVIDENCE_PDF, content_type="application/pdf")


@override_settings(MEDIA_ROOT=MEDIA)
class TodoTest(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.roster = {e.name: e for e in cls.meeting.roster.all()}

    def item(self, owner: str | None, text: str, deadline: dt.date) -> RectificationItem:
        return item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=self.roster[owner] if owner else None,
            problem_text=text,
            measures="措施",
            deadline=deadline,
        )

    def test_closure_request_reaches_the_principal_and_leaves_once_verified(self) -> None:
        item = self.item("李华", "会风会纪抓得不严", dt.date(2027, 6, 30))
        self.login("principal")
        self.assertNotContains(self.client.get(reverse("home")), "会风会纪抓得不严")
        closure_request(actor=self.member, item=item, note="已完成", files=[pdf()])
        home = self.client.get(reverse("home"))
        self.assertContains(home, "待我审核的销号申请")
        self.assertContains(home, f'href="{reverse("rectification:item", args=[item.pk])}"')
        self.assertContains(home, "会风会纪抓得不严")
        # The count the top bar loads.
        count = self.client.get(reverse("todo:count"))
        self.assertGreaterEqual(int(count.content.decode().split(">")[1].split("<")[0]), 1)
        # Nobody else is asked: the member waits, the outsider never sees it.
        for persona in ("member", "preparer", "outsider"):
            self.login(persona)
            self.assertNotContains(self.client.get(reverse("todo:list")), "会风会纪抓得不严 申请销号")
        self.login("principal")
        self.client.post(reverse("rectification:verify", args=[item.pk]))
        item.refresh_from_db()
        self.assertEqual(item.status, Status.CLOSED)
        self.assertNotContains(self.client.get(reverse("home")), "会风会纪抓得不严")

    def test_submitted_outline_waits_for_the_principal_team_material_for_the_supervisor(self) -> None:
        outline, _ = Material.objects.get_or_create(meeting=self.meeting, owner=self.roster["李华"], kind="outline")
        Material.objects.filter(pk=outline.pk).update(status=MaterialStatus.SUBMITTED)
        team, _ = Material.objects.get_or_create(meeting=self.meeting, owner=None, kind="team")
        Material.objects.filter(pk=team.pk).update(status=MaterialStatus.SUBMITTED)
        principal = [t.text for t in todos_for_user(user=self.principal, on=DEMO_DAY) if t.group == REVIEW]
        self.assertTrue(any("李华同志个人发言提纲" in t for t in principal), principal)
        self.assertFalse(any("领导班子对照检查材料" in t for t in principal), principal)
        supervisor = [t.text for t in todos_for_user(user=self.supervisor, on=DEMO_DAY) if t.group == REVIEW]
        self.assertTrue(any("领导班子对照检查材料" in t for t in supervisor), supervisor)
        self.assertFalse(any("李华" in t for t in supervisor), supervisor)
        self.assertFalse([t for t in todos_for_user(user=self.member, on=DEMO_DAY) if t.group == REVIEW])

    def test_member_is_told_of_his_items_near_and_past_their_deadline(self) -> None:
        on = self.meeting.planned_date + dt.timedelta(days=31)
        self.item("李华", "二十天内到期的事项", on + dt.timedelta(days=15))
        self.item("李华", "十天内到期的事项", on + dt.timedelta(days=5))
        self.item("李华", "已经逾期的事项", on - dt.timedelta(days=30))
        self.item("李华", "时间还早的事项", on + dt.timedelta(days=90))
        self.item("张明", "别人的逾期事项", on - dt.timedelta(days=30))
        mine = todos_for_user(user=self.member, on=on)
        marks = {t.text.split(" ", 1)[1]: t.mark for t in mine if t.group == ITEMS and t.meeting_id == self.meeting.pk}
        self.assertEqual(marks["二十天内到期的事项"], "剩15天到期")
        self.assertEqual(marks["十天内到期的事项"], "剩5天到期")
        self.assertEqual(marks["已经逾期的事项"], "已逾期30天·督办")
        self.assertNotIn("时间还早的事项", marks)
        self.assertNotIn("别人的逾期事项", marks)

    def test_unwritten_and_returned_outline(self) -> None:
        writes = [t for t in todos_for_user(user=self.member, on=DEMO_DAY) if t.group == WRITE]
        outline = Material.objects.filter(meeting=self.meeting, owner=self.roster["李华"]).first()
        if outline is None or outline.current_version == 0:
            self.assertTrue(any("个人发言提纲尚未撰写" in t.text for t in writes), writes)
        outline, _ = Material.objects.get_or_create(meeting=self.meeting, owner=self.roster["李华"], kind="outline")
        Material.objects.filter(pk=outline.pk).update(status=MaterialStatus.RETURNED, current_version=2)
        writes = [t for t in todos_for_user(user=self.member, on=DEMO_DAY) if t.group == WRITE]
        self.assertEqual([t.url for t in writes], [reverse("materials:edit", args=[self.meeting.pk, outline.owner_id])])
        self.assertIn("已退回修改", writes[0].text)
        # Once he submitted it, nothing is left for him to write.
        Material.objects.filter(pk=outline.pk).update(status=MaterialStatus.SUBMITTED)
        self.assertFalse([t for t in todos_for_user(user=self.member, on=DEMO_DAY) if t.group == WRITE])

    def test_late_steps_for_the_responsible_and_late_units_for_the_superior(self) -> None:
        late_day = self.meeting.planned_date + dt.timedelta(days=40)
        preparer = todos_for_user(user=self.preparer, on=late_day)
        self.assertTrue(any(t.text.endswith("向上级报送情况报告") and "逾期" in t.mark for t in preparer), preparer)
        superior = [t for t in todos_for_user(user=self.superior, on=late_day) if t.group == "units"]
        self.assertTrue(any(self.bureau.short_name in t.text for t in superior), superior)
        self.assertFalse([t for t in todos_for_user(user=self.member, on=late_day) if "情况报告" in t.text])

    def test_team_closure_reviewed_by_the_superior_reaches_him_once_the_principal_has_verified(self) -> None:
        # The superior has no part in the bureau's meeting but the review: his 待办 reads such
        # meetings as rows and loads one only when something in it waits for him.
        RectificationSettings.objects.update_or_create(meeting=self.meeting, defaults={"team_needs_review": True})
        item = self.item(None, "班子理论学习不够深入", dt.date(2027, 6, 30))
        closure_request(actor=self.preparer, item=item, note="已完成", files=[pdf()])
        waiting = [t for t in todos_for_user(user=self.superior) if t.group == VERIFY]
        self.assertEqual(waiting, [], "before the principal has verified, nothing is the superior's")
        closure_verify(actor=self.principal, item=item)
        self.login("superior")
        home = self.client.get(reverse("home"))
        self.assertContains(home, "待我审核的销号申请")
        self.assertContains(home, "班子理论学习不够深入 申请销号")
        self.assertContains(home, f'href="{reverse("rectification:item", args=[item.pk])}"')
        closure_verify(actor=self.superior, item=item)
        self.assertNotContains(self.client.get(reverse("home")), "班子理论学习不够深入")

    def test_fixed_number_of_queries(self) -> None:
        self.login("principal")
        url = reverse("todo:list")

        def add(start: int, stop: int) -> None:
            for i in range(start, stop):
                item = self.item("李华" if i % 2 else None, f"数量测试事项{i:03d}", dt.date(2027, 6, 30))
                RectificationItem.objects.filter(pk=item.pk).update(status=Status.REQUESTED)

        add(0, 5)
        self.assertContains(self.client.get(url), "数量测试事项004")
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        add(5, 60)
        with self.assertNumQueries(len(small)):
            response = self.client.get(url)
        self.assertContains(response, "数量测试事项059")

    def test_a_member_who_is_also_a_superior_keeps_his_own_todos(self) -> None:
        """Holding the superior's role above his unit adds the superior's work (reviews, the late units
        below); it takes nothing of what is his own to do (his unit is his own through his member's role)."""
        on = self.meeting.planned_date + dt.timedelta(days=40)
        self.item("李华", "已经逾期的事项", on - dt.timedelta(days=3))

        def own(todos):
            return sorted((t.group, t.key) for t in todos if t.group != "units")

        before = todos_for_user(user=self.member, on=on)
        self.assertIn(ITEMS, {t.group for t in before})
        membership_grant(actor=None, organization=self.superior_unit, user=self.member, role=Role.SUPERIOR)
        member = type(self.member).objects.get(pk=self.member.pk)  # his roles as the next request reads them
        after = todos_for_user(user=member, on=on)
        self.assertLessEqual(set(own(before)), set(own(after)))
        # What the role adds is the superior's own work: reviewing materials and closures, following units up.
        self.assertLessEqual({group for group, _ in set(own(after)) - set(own(before))}, {REVIEW, VERIFY})
        late_units = [t for t in after if t.group == "units"]
        self.assertTrue(any(self.bureau.short_name in t.text for t in late_units), late_units)


class SuperiorLateUnitsTest(BaseTestCase):
    """The superior's home page lists the 10 latest units below him and one line for the rest, whatever their number."""

    def add_late_units(self, start: int, stop: int) -> None:
        units = Organization.objects.bulk_create(
            Organization(parent=self.bureau, name=f"逾期测试单位{i:03d}", short_name=f"逾期{i:03d}", path="")
            for i in range(start, stop)
        )
        for u in units:
            u.path = f"{self.bureau.path}{u.pk}/"
        Organization.objects.bulk_update(units, ["path"])
        # Each a day later than the one before: unit 000 is the latest (planned the earliest, nothing done).
        Meeting.objects.bulk_create(
            Meeting(
                organization=u,
                config=self.meeting.config,
                title=f"逾期{i:03d}会议",
                planned_date=dt.date(2025, 12, 1) + dt.timedelta(days=i),
            )
            for i, u in zip(range(start, stop), units, strict=True)
        )

    def home(self) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = self.client.get(reverse("home")).content.decode()
        self.assertIn(f'data-todo-count="{self.own + 1}"', page)  # his own, and following up the late units
        return page.split('<section class="todo">')[1].split("</section>")[0], len(queries)

    def test_at_most_ten_late_units_and_the_same_queries_at_two_sizes(self) -> None:
        self.login("superior")
        self.own = len([t for t in todos_for_user(user=self.superior) if t.group != "units"])
        self.add_late_units(0, 12)
        page, small = self.home()
        self.assertEqual(page.count("逾期0"), 10, page)  # the ten latest: 000 … 009
        self.assertIn("逾期000：", page)
        self.assertNotIn("逾期011：", page)
        more = [t for t in todos_for_user(user=self.superior) if t.group == "units"]
        self.assertGreaterEqual(len(more), 12)
        self.assertIn(f"另有{len(more) - 10}个下级单位有逾期", page)
        self.assertIn(reverse("oversight:overview") + "?state=late", page)
        count = self.client.get(reverse("todo:count")).content.decode()

        self.add_late_units(12, 60)
        page, large = self.home()
        self.assertEqual(large, small)
        self.assertEqual(page.count("逾期0"), 10, page)
        self.assertIn("逾期000：", page)
        self.assertIn(f"另有{len(more) - 10 + 48}个下级单位有逾期", page)
        # The top bar counts following up the late units as one entry: unchanged by 48 more late units.
        self.assertEqual(self.client.get(reverse("todo:count")).content.decode(), count)
        self.assertIn(f">{self.own + 1}<", count)
