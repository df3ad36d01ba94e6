"""Editing a configuration's aspects never loses the records filed under them (issue 12, §1).

The demo's 2025 meeting runs on the 2025 preset; here that configuration is made the bureau's own
(as if the unit had copied the preset and held its meeting on the copy), so its administrator
edits the aspects that the demo's opinions, grouped items and problems point to.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from mingjing.audit.models import AuditEvent
from mingjing.opinions.models import Opinion, OpinionItem
from mingjing.problems.models import Problem
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import Aspect, YearConfig
from mingjing.yearconfigs.selectors import active_aspects, aspect_usage, usage_text
from mingjing.yearconfigs.services import yearconfig_copy, yearconfig_update


def links(meeting) -> dict[str, int | None]:
    """Every record of the meeting that can name an aspect, with the aspect it names."""
    found = {}
    for model, lookup in (
        (Opinion, "campaign__meeting"),
        (OpinionItem, "campaign__meeting"),
        (Problem, "meeting"),
    ):
        for pk, aspect_id in model.objects.filter(**{lookup: meeting}).values_list("pk", "aspect_id"):
            found[f"{model._meta.model_name}:{pk}"] = aspect_id
    return found


class AspectEditTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        YearConfig.objects.filter(pk=cls.meeting.config_id).update(organization=cls.bureau, preset_code="")
        cls.config = YearConfig.objects.get(pk=cls.meeting.config_id)

    def setUp(self) -> None:
        self.login("admin")
        self.before = links(self.meeting)
        # The demo files records under several aspects, the first one among them.
        self.assertGreaterEqual(sum(1 for v in self.before.values() if v), 10)
        self.first = self.aspects()[0]
        self.assertTrue(Opinion.objects.filter(aspect=self.first).exists())

    def aspects(self, config=None) -> list[Aspect]:
        return list((config or self.config).aspects.order_by("order"))

    def rows(self, config=None) -> list[dict]:
        return [
            {"id": a.pk, "order": a.order, "title": a.title, "text": a.text, "retired": a.retired}
            for a in self.aspects(config)
        ]

    def post(self, rows: list[dict], config=None):
        config = config or self.config
        data = {
            "year": config.year,
            "kind": config.kind,
            "name": config.name,
            "theme": config.theme,
            "talk_rules": config.talk_rules,
            "extra_agenda_items": "\\n".join(config.extra_agenda_items),
            "plan_lead_days": config.plan_lead_days,
            "report_deadline_days": config.report_deadline_days,
            "source_note": config.source_note,
            "problem_sources": config.problem_sources,
            "study_kinds": config.study_kinds,
            "counterpart_kinds": config.counterpart_kinds,
            "material_name": config.material_name,
            "aspects-TOTAL_FORMS": len(rows),
            "aspects-INITIAL_FORMS": config.aspects.count(),
        }
        if config.requires_case_analysis:
            data["requires_case_analysis"] = "on"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    value = "on"
                if value is not None and value is not False:
                    data[f"aspects-{i}-{key}"] = value
        return self.client.post(f"/configs/{config.pk}/edit/", data)

    # --- adding -----------------------------------------------------------------------------------

    def test_adding_an_aspect_keeps_every_record_filed_under_its_aspect(self):
        rows = self.rows() + [{"title": "带头新增的一个方面", "text": ""}]
        response = self.post(rows)
        self.assertRedirects(response, f"/configs/{self.config.pk}/")
        self.assertEqual(len(self.aspects()), 6)
        self.assertEqual(self.aspects()[-1].title, "带头新增的一个方面")
        self.assertEqual(links(self.meeting), self.before)
        event = AuditEvent.objects.filter(object_id=self.config.pk, event_type="updated").latest("id")
        self.assertIn("对照检查重点方面", [c["label"] for c in event.changes])

    def test_three_aspects_are_added_in_one_save_from_the_page_as_offered(self):
        source = YearConfig.objects.get(preset_code="2021-party-history")  # two aspects
        copy = yearconfig_copy(actor=self.admin, source=source, organization=self.bureau, year=2026, name="专题会")
        page = self.client.get(f"/configs/{copy.pk}/edit/")
        formset = page.context["formset"]
        self.assertGreaterEqual(formset.total_form_count() - 2, 3, "enough blank rows to complete 2 → 5 in one save")
        self.assertContains(page, 'id="aspect-empty-row"')  # the "添加一行" button's row
        rows = self.rows(copy) + [{"title": f"新增方面{i}"} for i in range(1, 4)]
        kept = [a.pk for a in self.aspects(copy)]
        self.assertRedirects(self.post(rows, copy), f"/configs/{copy.pk}/")
        titles = [a.title for a in self.aspects(copy)]
        self.assertEqual(titles[2:], ["新增方面1", "新增方面2", "新增方面3"])
        self.assertEqual([a.pk for a in self.aspects(copy)][:2], kept)

    def test_more_blank_rows_without_javascript_save_nothing(self):
        data = {"aspects-TOTAL_FORMS": 8, "aspects-INITIAL_FORMS": 5, "add_rows": "3"}
        for i, row in enumerate(self.rows()):
            data |= {f"aspects-{i}-id": row["id"], f"aspects-{i}-title": "改过的标题"}
        response = self.client.post(f"/configs/{self.config.pk}/edit/", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["formset"].total_form_count(), 11)
        self.assertNotIn("改过的标题", [a.title for a in self.aspects()])

    # --- renaming and reordering ------------------------------------------------------------------

    def test_renaming_and_reordering_keep_the_links(self):
        old = self.aspects()
        rows = self.rows()
        rows[0]["order"], rows[1]["order"] = 2, 1  # swap the first two
        rows[2]["title"] = "带头改过标题的第三个方面"
        rows[4]["order"] = 3  # the last moves to third place, before the unchanged 3
        self.assertRedirects(self.post(rows), f"/configs/{self.config.pk}/")
        new = self.aspects()
        self.assertEqual([a.pk for a in new], [old[1].pk, old[0].pk, old[4].pk, old[2].pk, old[3].pk])
        self.assertEqual([a.order for a in new], [1, 2, 3, 4, 5])
        self.assertEqual(new[3].title, "带头改过标题的第三个方面")
        page = self.client.get(f"/configs/{self.config.pk}/").content.decode()
        self.assertLess(page.index(old[4].title), page.index("带头改过标题的第三个方面"))
        self.assertEqual(links(self.meeting), self.before)

    # --- deleting and retiring --------------------------------------------------------------------

    def test_deleting_a_used_aspect_is_refused_with_its_records(self):
        rows = self.rows()
        rows[0]["DELETE"] = True
        response = self.post(rows)
        self.assertEqual(response.status_code, 200)
        opinions = Opinion.objects.filter(aspect=self.first).count()
        problems = Problem.objects.filter(aspect=self.first).count()
        page = response.content.decode()
        self.assertIn(f"第1行“{self.first.title}”已有意见建议{opinions}条", page)
        self.assertIn(f"查摆问题{problems}个", page)
        self.assertIn("不能删除", page)
        self.assertEqual(len(self.aspects()), 5)
        self.assertEqual(self.aspects()[0].pk, self.first.pk)
        self.assertEqual(links(self.meeting), self.before)

    def test_the_edit_page_says_which_records_use_each_aspect(self):
        page = self.client.get(f"/configs/{self.config.pk}/edit/").content.decode()
        expected = usage_text(aspect_usage([self.first.pk])[self.first.pk])
        self.assertIn(expected, page)
        self.assertIn("不可删除", page)
        self.assertIn(f"已归入：{expected}", self.client.get(f"/configs/{self.config.pk}/").content.decode())

    def test_retiring_a_used_aspect_keeps_its_records_and_stops_offering_it(self):
        rows = self.rows()
        rows[0]["retired"] = True
        self.assertRedirects(self.post(rows), f"/configs/{self.config.pk}/")
        self.first.refresh_from_db()
        self.assertTrue(self.first.retired)
        self.assertEqual(links(self.meeting), self.before)
        self.assertNotIn(self.first, active_aspects(self.meeting.config_id))
        self.assertEqual(len(active_aspects(self.config)), 4)
        # A record that already has it keeps it selectable when edited.
        self.assertIn(self.first, active_aspects(self.config, keep=self.first.pk))
        self.assertContains(self.client.get(f"/configs/{self.config.pk}/"), "已停用")
        # A copy for next year starts without it.
        copy = yearconfig_copy(actor=self.admin, source=self.config, organization=self.bureau, year=2026, name="次年")
        self.assertEqual(copy.aspects.count(), 4)
        self.assertNotIn(self.first.title, [a.title for a in copy.aspects.all()])

    def test_an_unused_aspect_is_deleted(self):
        rows = self.rows() + [{"title": "临时方面"}]
        self.post(rows)
        rows = self.rows()
        rows[-1]["DELETE"] = True
        self.assertRedirects(self.post(rows), f"/configs/{self.config.pk}/")
        self.assertEqual([a.title for a in self.aspects()][-1], self.rows()[4]["title"])
        self.assertEqual(len(self.aspects()), 5)

    # --- errors name the row and the field --------------------------------------------------------

    def test_errors_name_the_row_and_the_field(self):
        rows = self.rows()
        rows[1]["title"] = ""
        rows[3]["title"] = rows[0]["title"]
        page = self.post(rows).content.decode()
        self.assertIn("第2行“标题”：不能为空；如要删除此方面，请勾选“删除”", page)
        self.assertIn("第4行“标题”：与第1行相同", page)
        rows = self.rows()
        rows[2]["title"] = "长" * 301
        self.assertIn("第3行“标题”：不能超过300字", self.post(rows).content.decode())
        rows = self.rows()
        rows[2]["order"] = 0
        self.assertIn("第3行“序号”：应为1到999之间的整数", self.post(rows).content.decode())
        self.assertEqual(links(self.meeting), self.before)

    def test_every_aspect_retired_is_refused(self):
        rows = [{**row, "retired": True} for row in self.rows()]
        self.assertContains(self.post(rows), "至少需要一个未停用的对照检查重点方面")


class AspectServiceTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        YearConfig.objects.filter(pk=cls.meeting.config_id).update(organization=cls.bureau, preset_code="")
        cls.config = YearConfig.objects.get(pk=cls.meeting.config_id)

    def test_a_caller_passing_titles_only_keeps_the_links(self):
        before = links(self.meeting)
        titles = [{"title": a.title, "text": a.text} for a in self.config.aspects.order_by("order")]
        yearconfig_update(actor=self.admin, config=self.config, data={}, aspects=[*titles, {"title": "第六个方面"}])
        self.assertEqual(self.config.aspects.count(), 6)
        self.assertEqual(links(self.meeting), before)

    def test_leaving_a_used_aspect_out_is_refused(self):
        rest = [{"id": a.pk, "title": a.title} for a in self.config.aspects.order_by("order")[1:]]
        with self.assertRaises(ValidationError) as caught:
            yearconfig_update(actor=self.admin, config=self.config, data={}, aspects=rest)
        self.assertIn("不能删除", caught.exception.message_dict["aspects"][0])
        self.assertEqual(self.config.aspects.count(), 5)

    def test_only_the_units_administrator_edits(self):
        rows = [{"id": a.pk, "title": a.title + "改"} for a in self.config.aspects.order_by("order")]
        for persona in ("preparer", "principal", "superior", "outsider"):
            with self.assertRaises(PermissionDenied, msg=persona):
                yearconfig_update(actor=getattr(self, persona), config=self.config, data={}, aspects=rows)
        preset = YearConfig.objects.get(preset_code="2024-annual")
        with self.assertRaises(PermissionDenied):
            yearconfig_update(actor=self.admin, config=preset, data={"theme": "改"})
        self.assertFalse(self.config.aspects.filter(title__endswith="改").exists())
