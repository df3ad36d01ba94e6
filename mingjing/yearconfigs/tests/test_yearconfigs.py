from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mingjing.audit.models import AuditEvent
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig
from mingjing.yearconfigs.presets import sync_presets
from mingjing.yearconfigs.services import yearconfig_copy


class PresetsTest(BaseTestCase):
    def test_the_five_presets_are_shipped_with_their_aspects(self):
        expected = {
            "2021-party-history": (2021, "special", False, 2),
            "2022-annual": (2022, "annual", False, 6),
            "2023-theme-education": (2023, "theme_education", False, 6),
            "2024-annual": (2024, "annual", True, 4),
            "2025-annual": (2025, "annual", True, 5),
        }
        for code, (year, kind, case, aspects) in expected.items():
            config = YearConfig.objects.get(preset_code=code)
            self.assertEqual(
                (config.year, config.kind, config.requires_case_analysis, config.aspects.count()),
                (year, kind, case, aspects),
                code,
            )
            self.assertEqual((config.plan_lead_days, config.report_deadline_days), (15, 15))
            self.assertEqual(len(config.talk_rules), 4)
        config = YearConfig.objects.get(preset_code="2025-annual")
        self.assertEqual(config.extra_agenda_items, ["通报深入贯彻中央八项规定精神学习教育整改整治情况"])
        self.assertEqual(config.aspects.first().title, "带头强化政治忠诚、提高政治能力")

    def test_sync_never_overwrites_an_edited_preset(self):
        config = YearConfig.objects.get(preset_code="2024-annual")
        config.theme = "已按本地通知修改"
        config.save()
        self.assertEqual(sync_presets(), 0)
        config.refresh_from_db()
        self.assertEqual(config.theme, "已按本地通知修改")

    def test_everyone_sees_presets_but_nobody_edits_them(self):
        config = YearConfig.objects.get(preset_code="2025-annual")
        for persona in ("admin", "member", "outsider"):
            self.login(persona)
            self.assertContains(self.client.get("/configs/"), "2025年度民主生活会")
            self.assertEqual(self.client.get(f"/configs/{config.pk}/edit/").status_code, 403)


class AdminAddsNextYearTest(BaseTestCase):
    def post_config(self, **overrides):
        data = {
            "organization": self.bureau.pk,
            "year": 2026,
            "kind": "annual",
            "name": "2026年度民主生活会",
            "theme": "新一年的主题",
            "talk_rules": ["principal_member", "member_member"],
            "extra_agenda_items": "通报某项工作情况\n\n通报另一项工作",
            "requires_case_analysis": "on",
            "plan_lead_days": 10,
            "report_deadline_days": 20,
            "source_note": "",
            "problem_sources": ["opinion", "self", "charter"],
            "study_kinds": ["collective", "central_group"],
            "counterpart_kinds": ["member", "division_heads", "liaison_units"],
            "material_name": "examination",
            "aspects-TOTAL_FORMS": 3,
            "aspects-INITIAL_FORMS": 0,
            "aspects-0-title": "带头第一个方面",
            "aspects-0-text": "第一个方面的全文",
            "aspects-1-title": "带头第二个方面",
            "aspects-1-text": "",
            "aspects-2-title": "",
            "aspects-2-text": "",
        }
        data.update(overrides)
        return self.client.post("/configs/new/", data)

    def test_admin_adds_a_configuration_in_the_browser_and_the_preparer_uses_it(self):
        self.login("admin")
        response = self.post_config()
        config = YearConfig.objects.get(name="2026年度民主生活会")
        self.assertRedirects(response, f"/configs/{config.pk}/")
        self.assertEqual(config.organization, self.bureau)
        self.assertEqual(list(config.aspects.values_list("title", flat=True)), ["带头第一个方面", "带头第二个方面"])
        self.assertEqual(config.extra_agenda_items, ["通报某项工作情况", "通报另一项工作"])
        self.assertTrue(config.requires_case_analysis)
        self.login("preparer")
        self.assertContains(self.client.get("/meetings/new/"), "2026年度民主生活会")
        response = self.client.post(
            "/meetings/new/",
            {
                "organization": self.bureau.pk,
                "config": config.pk,
                "kind": "",
                "title": "",
                "planned_date": "2027-12-20",
                "half_day": "am",
                "place": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        # The outsider's unit is not below the bureau: the configuration is not offered there.
        self.login("outsider")
        self.assertNotContains(self.client.get("/meetings/new/"), ">2026年度民主生活会</option>")

    def test_problem_sources_are_chosen_from_the_catalogue(self):
        self.login("admin")
        self.assertContains(self.post_config(problem_sources=[]), "请至少选择一项问题来源")
        self.assertContains(self.post_config(problem_sources=["gossip"]), "gossip")
        self.assertContains(self.post_config(study_kinds=[]), "请至少选择一项学习研讨形式")
        self.assertContains(self.post_config(counterpart_kinds=[]), "请至少选择一项谈话对象类型")
        self.assertContains(self.post_config(counterpart_kinds=["neighbours"]), "neighbours")
        self.post_config()
        config = YearConfig.objects.get(name="2026年度民主生活会")
        self.assertEqual(config.problem_sources, ["opinion", "self", "charter"])
        self.assertEqual(config.study_kinds, ["collective", "central_group"])
        self.assertEqual(config.counterpart_kinds, ["member", "division_heads", "liaison_units"])
        page = self.client.get(reverse("yearconfigs:detail", args=[config.pk]))
        self.assertContains(page, "班子成员、分管科室负责同志、包保/联系单位负责同志")

    def test_a_configuration_needs_at_least_one_aspect(self):
        self.login("admin")
        response = self.post_config(**{"aspects-0-title": "", "aspects-0-text": "", "aspects-1-title": ""})
        self.assertContains(response, "至少需要一个对照检查重点方面")
        self.assertFalse(YearConfig.objects.filter(name="2026年度民主生活会").exists())

    def test_a_row_with_text_but_no_title_is_refused_not_dropped(self):
        self.login("admin")
        response = self.post_config(**{"aspects-0-title": ""})
        self.assertContains(response, "第1行“标题”：不能为空")
        self.assertFalse(YearConfig.objects.filter(name="2026年度民主生活会").exists())

    def test_admin_copies_a_preset_and_edits_the_copy_for_a_special_meeting(self):
        source = YearConfig.objects.get(preset_code="2025-annual")
        self.login("admin")
        response = self.client.post(
            f"/configs/{source.pk}/copy/",
            {"organization": self.bureau.pk, "year": 2026, "name": "巡察整改专题民主生活会"},
        )
        copy = YearConfig.objects.get(name="巡察整改专题民主生活会")
        self.assertRedirects(response, f"/configs/{copy.pk}/edit/")
        self.assertEqual(copy.aspects.count(), 5)
        edit = {
            "year": 2026,
            "kind": "special",
            "name": "巡察整改专题民主生活会",
            "theme": copy.theme,
            "talk_rules": copy.talk_rules,
            "extra_agenda_items": "",
            "plan_lead_days": 15,
            "report_deadline_days": 15,
            "source_note": "",
            "problem_sources": ["opinion", "research"],
            "study_kinds": ["central_group", "seminar"],
            "counterpart_kinds": ["member", "liaison_units"],
            "material_name": "inspection",
            "aspects-TOTAL_FORMS": 2,
            "aspects-INITIAL_FORMS": 0,
            "aspects-0-title": "对照巡察反馈问题深刻剖析",
            "aspects-0-text": "",
            "aspects-1-title": "对照整改责任查找差距",
            "aspects-1-text": "",
        }
        self.client.post(f"/configs/{copy.pk}/edit/", edit)
        copy.refresh_from_db()
        self.assertEqual(copy.kind, "special")
        self.assertEqual(copy.problem_sources, ["opinion", "research"])
        self.assertEqual(copy.study_kinds, ["central_group", "seminar"])
        self.assertEqual(copy.counterpart_kinds, ["member", "liaison_units"])
        self.assertEqual(copy.get_material_name_display(), "检视剖析材料")
        self.assertEqual(
            list(copy.aspects.values_list("title", flat=True)), ["对照巡察反馈问题深刻剖析", "对照整改责任查找差距"]
        )
        event = AuditEvent.objects.filter(object_id=copy.pk, event_type="updated").latest("id")
        self.assertIn("对照检查重点方面", [c["label"] for c in event.changes])
        page = self.client.get(f"/configs/{copy.pk}/").content.decode()
        self.assertIn("将类型由“年度”改为“专题”", page)
        self.assertIn("<dd>征求意见、调研</dd>", page)
        self.assertIn("<dd>中心组学习、研讨</dd>", page)
        self.assertIn("<dd>检视剖析材料</dd>", page)
        # The preset itself is untouched.
        self.assertEqual(source.aspects.count(), 5)

    def test_only_admins_add_configurations(self):
        for persona in ("preparer", "principal", "superior"):
            self.login(persona)
            self.assertEqual(self.post_config().status_code, 403, persona)


class PreparerCopiesAPresetTest(BaseTestCase):
    """A preparer whose unit has no configuration for the year makes one from a shipped preset; the
    unit's administrator still edits it, and a preparer copies only presets, only for his own unit."""

    def test_the_preparer_copies_a_preset_for_his_unit(self):
        preset = YearConfig.objects.get(preset_code="2025-annual")
        self.login("preparer")
        self.assertContains(self.client.get(f"/configs/{preset.pk}/"), "以此为模板新建")
        page = self.client.get(f"/configs/{preset.pk}/copy/").content.decode()
        self.assertIn(f'<option value="{self.bureau.pk}">', page)
        self.assertNotIn(f'<option value="{self.outsider_unit.pk}">', page)
        response = self.client.post(
            f"/configs/{preset.pk}/copy/", {"organization": self.bureau.pk, "year": 2026, "name": "2026年度民主生活会"}
        )
        copy = YearConfig.objects.get(organization=self.bureau, name="2026年度民主生活会")
        self.assertRedirects(response, f"/configs/{copy.pk}/")
        self.assertEqual(copy.aspects.count(), preset.aspects.filter(retired=False).count())
        self.assertEqual(AuditEvent.objects.filter(object_id=copy.pk, event_type="yearconfig.copied").count(), 1)
        # The copy is offered for his meeting; editing it stays with the administrator.
        self.assertContains(self.client.get("/meetings/new/"), "2026年度民主生活会")
        self.assertEqual(self.client.get(f"/configs/{copy.pk}/edit/").status_code, 403)
        self.login("admin")
        self.assertEqual(self.client.get(f"/configs/{copy.pk}/edit/").status_code, 200)

    def test_not_into_another_unit_nor_from_a_units_own_configuration(self):
        preset = YearConfig.objects.get(preset_code="2025-annual")
        own = yearconfig_copy(actor=None, source=preset, organization=self.bureau, year=2026, name="本单位配置")
        with self.assertRaises(PermissionDenied):
            yearconfig_copy(actor=self.preparer, source=preset, organization=self.outsider_unit, year=2026, name="x")
        with self.assertRaises(PermissionDenied):
            yearconfig_copy(actor=self.preparer, source=own, organization=self.bureau, year=2027, name="x")
        for persona in ("principal", "member", "superior"):
            with self.assertRaises(PermissionDenied, msg=persona):
                yearconfig_copy(
                    actor=getattr(self, persona), source=preset, organization=self.bureau, year=2026, name="x"
                )
        self.login("preparer")
        self.assertEqual(self.client.get(f"/configs/{own.pk}/copy/").status_code, 403)
        response = self.client.post(
            f"/configs/{preset.pk}/copy/", {"organization": self.outsider_unit.pk, "year": 2026, "name": "越权"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(YearConfig.objects.filter(name="越权").exists())
