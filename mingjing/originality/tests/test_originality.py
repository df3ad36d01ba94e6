"""查重 driven as users meet it: the report page, the review, the template corpus and the CLI."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mingjing.materials.models import Action, Kind, Material, MaterialVersion, Reason, ReviewEvent
from mingjing.materials.selectors import current_version_of
from mingjing.materials.services import material_act, material_save
from mingjing.meetings.services import meeting_create
from mingjing.originality.index import build_report
from mingjing.originality.models import Paragraph, TemplateText
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig

LAST_YEAR = """一、上年度整改落实情况
2024年，本人对照上年度查摆的3个问题逐项整改，坚持每周到基层调研1次，推动解决群众反映强烈的农田灌溉问题12个。
二、检视查摆问题
一是理论学习不够深入系统，满足于读原文、记笔记，联系分管的农田水利工作思考不深，学用结合不紧。比如，2024年3月学习有关文件后，没有及时组织分管科室研究落实举措，直到8月才制定具体方案。
二是调查研究不够扎实，下基层多是听汇报、看材料，与种粮大户和村干部面对面交流少，对高标准农田建设后期管护中的难点掌握不准。
三、原因剖析
一是理想信念的坚定性有所弱化，把理论学习当作软任务，没有真正做到学思用贯通、知信行统一。
二是宗旨意识有所淡化，对群众的急难愁盼问题感受不深，工作中存在等靠思想。"""

MEMBER_OWN = """二、检视查摆问题
本人在分管的畜牧兽医工作中，对非洲猪瘟防控的常态化机制研究不够，去年秋季两个乡镇出现疫情苗头时处置偏慢，暴露出应急预案演练不足的问题。
在推动养殖场粪污资源化利用时，存在重部署轻督导的倾向，有的养殖场设施建成后运行不正常，群众对气味问题多次反映，本人没有一抓到底。"""

PRINCIPAL_OWN = """二、检视查摆问题
作为班子班长，统筹全局抓大事的能力还需提高，对乡村振兴重点项目的谋划停留在年初布置，年中调度次数偏少，个别项目开工滞后两个月。
落实民主集中制还有差距，个别议题会前酝酿不充分，听取分管同志意见时间偏短，班子会上讨论不够深入。"""


def _direct_material(meeting, owner, text: str) -> Material:
    """A material as an import or last year's system left it (the demo's 2024 meeting is closed):
    its text becomes the material's current version, whether the demo wrote one or not."""
    material, _ = Material.objects.get_or_create(
        meeting=meeting, owner=owner, defaults={"kind": Kind.TEAM if owner is None else Kind.OUTLINE}
    )
    number = material.last_number + 1
    Material.objects.filter(pk=material.pk).update(current_version=number, last_number=number)
    material.current_version = material.last_number = number
    MaterialVersion.objects.create(
        material=material, number=number, text=text, reason=Reason.MANUAL, author_name="导入", saved_at=timezone.now()
    )
    return material


class OriginalityCase(BaseTestCase):
    """The fixtures and helpers of the 查重 tests (no tests of its own, so subclasses run theirs once)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.member_entry = cls.meeting.roster.get(name="李华")
        cls.principal_entry = cls.meeting.roster.get(name="张明")
        last_entry = cls.last_meeting.roster.get(person=cls.member_entry.person)
        cls.last_outline = _direct_material(cls.last_meeting, last_entry, LAST_YEAR)

    def _write(self, persona: str, entry, text: str) -> Material:
        material = Material.objects.filter(meeting=self.meeting, owner=entry).first()
        if material is not None and material.status == "submitted":  # the demo's outline: withdraw it first
            material_act(actor=getattr(self, persona), material=material, action=Action.WITHDRAW)
        base = material.current_version if material else 0
        material_save(actor=getattr(self, persona), meeting=self.meeting, owner=entry, text=text, base_version=base)
        return Material.objects.get(meeting=self.meeting, owner=entry)

    def _report_page(self, persona: str, slot: str):
        self.login(persona)
        return self.client.get(reverse("originality:report", args=[self.meeting.pk, slot]))


class OriginalityTest(OriginalityCase):
    def test_last_years_outline_with_the_year_changed_is_a_high_copy_showing_its_source(self):
        copied = LAST_YEAR.replace("2024", "2025")
        self._write("member", self.member_entry, copied)
        response = self._report_page("member", str(self.member_entry.pk))
        self.assertEqual(response.status_code, 200)
        report = response.context["shown"].report
        self.assertEqual(report.level, "high")
        self.assertGreater(report.ratio, 0.9)
        content = response.content.decode()
        self.assertIn("本人往年材料", content)
        self.assertIn("2024年度", content)
        self.assertIn("<mark>", content)
        self.assertIn("推动解决群众反映强烈的农田灌溉问题", content)
        # The same on the editing page, before anyone approves.
        edit = self.client.get(reverse("materials:edit", args=[self.meeting.pk, self.member_entry.pk]))
        self.assertContains(edit, 'id="originality-ratio"')
        self.assertContains(edit, report.percent)

    def test_rewritten_text_with_names_and_dates_changed_is_still_found(self):
        changed = LAST_YEAR.replace("2024年3月", "2025年4月").replace("12个", "15个").replace("3个", "5个")
        self._write("member", self.member_entry, changed)
        report = build_report(current_version_of(Material.objects.get(meeting=self.meeting, owner=self.member_entry)))
        self.assertEqual(report.level, "high")

    def test_independent_outlines_sharing_only_the_aspects_headings_give_none(self):
        headings = [f"（{i}）{a.title}" for i, a in enumerate(self.meeting.config.aspects.order_by("order"), 1)]
        self.assertTrue(headings)
        member_text = "\n".join([headings[0], MEMBER_OWN, *headings[1:]])
        principal_text = "\n".join([headings[0], PRINCIPAL_OWN, *headings[1:]])
        self._write("member", self.member_entry, member_text)
        self._write("principal", self.principal_entry, principal_text)
        for persona, entry in (("member", self.member_entry), ("principal", self.principal_entry)):
            response = self._report_page(persona, str(entry.pk))
            report = response.context["shown"].report
            self.assertEqual(report.matches, [], persona)
            self.assertEqual(report.level, "none")
            self.assertContains(response, 'id="no-match"')

    def test_another_units_text_is_shown_only_to_who_may_read_it(self):
        config = YearConfig.objects.get(preset_code="2025-annual")
        other = meeting_create(
            actor=None, organization=self.outsider_unit, config=config, planned_date=self.meeting.planned_date
        )
        secret = (
            "我们单位的这段查摆内容十分具体：教育系统校舍安全隐患排查不彻底，三所学校的消防通道长期被占用没有整改到位。"
        )
        _direct_material(other, None, secret)
        self._write("member", self.member_entry, MEMBER_OWN + "\n" + secret)
        slot = str(self.member_entry.pk)

        member = self._report_page("member", slot)
        self.assertContains(member, "与其他单位材料相似")
        self.assertNotContains(member, "消防通道")  # his own copy is shown only as the share, not as text
        self.assertNotContains(member, "市教育局")
        self.assertEqual(member.context["shown"].matches, [])

        supervisor = self._report_page("supervisor", slot)  # assigned to the bureau's meeting only
        self.assertContains(supervisor, "与其他单位材料相似")
        self.assertNotContains(supervisor, "消防通道")

        superior = self._report_page("superior", slot)
        self.assertNotContains(superior, "与其他单位材料相似")
        self.assertContains(superior, "其他单位材料")
        self.assertContains(superior, "消防通道")

    def test_approving_a_high_copy_needs_a_reason_kept_in_history(self):
        material = self._write("member", self.member_entry, LAST_YEAR.replace("2024", "2025"))
        material_act(actor=self.member, material=material, action=Action.SUBMIT)
        self.login("principal")
        url = reverse("materials:review", args=[self.meeting.pk, self.member_entry.pk])
        self.client.post(url, {"action": Action.APPROVE})
        material.refresh_from_db()
        self.assertEqual(material.status, "submitted")
        with self.assertRaises(ValidationError) as raised:
            material_act(actor=self.principal, material=material, action=Action.APPROVE)
        self.assertIn("复制比", str(raised.exception))
        reason = "该同志去年问题未整改到位，本年如实重述，经核实同意"
        self.client.post(url, {"action": Action.APPROVE, "comments": reason})
        material.refresh_from_db()
        self.assertEqual(material.status, "approved")
        event = ReviewEvent.objects.get(material=material, action=Action.APPROVE)
        self.assertEqual(event.comments, reason)
        page = self.client.get(reverse("materials:edit", args=[self.meeting.pk, self.member_entry.pk]))
        self.assertContains(page, reason)

    def test_a_low_copy_is_approved_without_a_reason(self):
        material = Material.objects.get(meeting=self.meeting, owner=self.member_entry)  # the demo's, submitted
        event = material_act(actor=self.principal, material=material, action=Action.APPROVE)
        self.assertEqual(event.status_after, "approved")

    def test_template_corpus_loaded_by_an_administrator(self):
        template = (
            "对照检查材料范文：在理论学习方面，存在学习不够深入、不够系统的问题，"
            "往往满足于完成规定动作，联系实际不够紧密。"
        )
        self.login("preparer")
        url = reverse("originality:templates")
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login("admin")
        upload = SimpleUploadedFile("范文.txt", template.encode("gb18030"))
        self.assertEqual(self.client.post(url, {"file": upload}).status_code, 302)
        saved = TemplateText.objects.get(name="范文.txt")
        self.assertTrue(Paragraph.objects.filter(template=saved).exists())
        bad = SimpleUploadedFile("范文.pdf", b"%PDF")
        self.client.post(url, {"file": bad}, follow=True)
        self.assertFalse(TemplateText.objects.filter(name="范文.pdf").exists())

        self._write("member", self.member_entry, MEMBER_OWN + "\n" + template[6:])
        response = self._report_page("member", str(self.member_entry.pk))
        self.assertContains(response, "网络模板")
        self.assertContains(response, "范文.txt")

    def test_cli_prints_the_table_and_rebuilds(self):
        self._write("member", self.member_entry, LAST_YEAR.replace("2024", "2025"))
        out = io.StringIO()
        call_command("originality", "--rebuild", "--meeting", str(self.meeting.pk), stdout=out)
        text = out.getvalue()
        self.assertIn("查重索引已重建", text)
        self.assertIn("李华同志个人发言提纲", text)
        self.assertIn("高度疑似复制", text)
        self.assertIn("本人往年材料", text)
