"""班子对照检查材料 and 个人发言提纲 as documents: downloaded from the 文书 page and the CLI."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from mingjing.documents.slots import MISSING
from mingjing.materials.models import Action, Material
from mingjing.materials.services import material_act, material_save
from mingjing.meetings.services import meeting_step_sync
from mingjing.organizations.models import Person
from mingjing.problems.models import Problem
from mingjing.problems.services import problem_create
from mingjing.test import DEMO_DAY, BaseTestCase

TEAM_TEXT = """一、上年度整改落实情况
针对上年度查摆出的问题，班子逐项抓好整改落实。
二、检视查摆问题
（一）带头强化政治忠诚、提高政治能力方面
一是政治引领发挥不够充分。比如，今年有2个宣传阵地内容更新不及时。
三、原因剖析
一是政治站位高度不够。
四、努力方向和整改措施
（一）提高政治站位，把牢正确方向。坚持把政治建设摆在首位，每季度专题研究一次意识形态工作。"""


def document(content: bytes):
    return Document(io.BytesIO(content))


def lines(content: bytes) -> list[str]:
    return [p.text for p in document(content).paragraphs]


def east_asia(run) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


class MaterialDocumentTest(BaseTestCase):
    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def download(self, kind, **query):
        url = f"/meetings/{self.meeting.pk}/documents/{kind}/download/"
        return self.client.get(url, {"format": "docx", **query})

    def save_team_text(self, text=TEAM_TEXT):
        material = Material.objects.get(meeting=self.meeting, owner=None)
        material_save(actor=self.principal, meeting=self.meeting, owner=None, text=text,
                      base_version=material.current_version)  # fmt: skip

    def test_team_material_prints_the_current_text_laid_out_like_seed_002(self):
        self.save_team_text()
        self.login("member")
        response = self.download("team-examination")
        self.assertEqual(response.status_code, 200)
        name = quote("市农业农村局党组领导班子2025年度民主生活会-班子对照检查材料.docx")
        self.assertIn(name, response["Content-Disposition"])
        doc = document(response.content)
        paragraphs = {p.text: p for p in doc.paragraphs}
        title = doc.paragraphs[0]
        self.assertEqual(title.style.name, "GB Title")
        self.assertEqual(title.text, "市农业农村局党组领导班子\n2025年度民主生活会对照检查材料")
        # Still being drafted by the principal: the draft says so under the title, in 楷体.
        self.assertEqual(doc.paragraphs[1].text, "（初稿）")
        self.assertEqual(east_asia(doc.paragraphs[1].runs[0]), "楷体_GB2312")
        self.assertEqual(doc.paragraphs[2].text, "")  # then the blank line before the text
        # 一、 in 黑体 (his own numbering kept), （一） aspect heading in 楷体, the text as written.
        self.assertEqual(paragraphs["二、检视查摆问题"].style.name, "GB Heading 1")
        self.assertEqual(east_asia(paragraphs["二、检视查摆问题"].runs[0]), "黑体")
        self.assertEqual(east_asia(paragraphs["（一）带头强化政治忠诚、提高政治能力方面"].runs[0]), "楷体_GB2312")
        self.assertIn("一是政治引领发挥不够充分。比如，今年有2个宣传阵地内容更新不及时。", paragraphs)
        # A measure runs its first sentence in 楷体 into the 仿宋 text.
        measure = next(p for text, p in paragraphs.items() if text.startswith("（一）提高政治站位"))
        self.assertTrue(measure.text.endswith("每季度专题研究一次意识形态工作。"))
        self.assertEqual([r.text for r in measure.runs][:1], ["（一）提高政治站位，把牢正确方向。"])
        self.assertEqual([east_asia(r) for r in measure.runs], ["楷体_GB2312", "仿宋_GB2312"])
        self.assertNotIn(MISSING, "".join(paragraphs))
        # The engine's page is intact.
        section = doc.sections[0]
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        self.assertEqual(tuple(round(m / Mm(1)) for m in margins), (37, 35, 28, 26))
        self.assertEqual(section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")), "579")

    def test_the_mark_follows_the_review(self):
        self.save_team_text()
        material = Material.objects.get(meeting=self.meeting, owner=None)
        self.login("preparer")
        material_act(actor=self.principal, material=material, action=Action.SUBMIT)
        self.assertEqual(lines(self.download("team-examination").content)[1], "（送审稿）")
        material_act(actor=self.supervisor, material=material, action=Action.APPROVE)
        approved = lines(self.download("team-examination").content)
        self.assertEqual(approved[1], "")  # the approved text carries no mark
        self.assertNotIn("（初稿）", approved)

    def test_the_generated_skeleton_is_marked_and_shows_what_is_missing(self):
        # The demo's team material is still the skeleton generated from the records.
        self.login("principal")
        text = lines(self.download("team-examination").content)
        self.assertEqual(text[1], "（框架稿，依据记录生成）")
        problem = Problem.objects.filter(meeting=self.meeting, member=None).order_by("order", "id").first()
        self.assertTrue(any(problem.description.rstrip("。") in t for t in text))
        self.assertIn("（三）带头敬畏人民、敬畏组织、敬畏法纪方面", text)
        self.assertIn(f"一是{MISSING}。比如，{MISSING}（具体事例）", text)

    def test_outline_of_a_member_who_wrote_nothing_is_his_skeleton(self):
        zhang = self.entry("张明")
        self.assertFalse(Material.objects.filter(meeting=self.meeting, owner=zhang).exists())
        self.login("preparer")
        response = self.download("member-outline", member=zhang.pk)
        self.assertIn(quote("-个人发言提纲（张明）.docx"), response["Content-Disposition"])
        text = lines(response.content)
        self.assertEqual(text[0], "张明同志在2025年度\n民主生活会上的个人发言提纲")
        self.assertEqual(text[1], "（框架稿，依据记录生成）")
        self.assertIn("二、检视查摆问题", text)
        # Nothing is recorded for him: no invented problem, the slots say so.
        self.assertFalse(Problem.objects.filter(meeting=self.meeting, member=zhang).exists())
        self.assertIn(f"一是{MISSING}。比如，{MISSING}（具体事例）", text)
        # The outline is one per member: without a member it is not found.
        self.assertEqual(self.download("member-outline").status_code, 404)

    def test_an_outline_is_read_before_the_meeting_only_by_those_who_read_the_members_drafts(self):
        wang = self.entry("王芳")
        aspect = self.meeting.config.aspects.order_by("order").first()
        problem_create(actor=self.preparer, meeting=self.meeting, member=wang, aspect=aspect,
                       description="会前草稿中的问题", example="比如，草稿事例")  # fmt: skip
        self.login("member")  # 李华: 王芳's problems page is closed to him before the meeting
        self.assertEqual(self.download("member-outline", member=wang.pk).status_code, 403)
        self.login("principal")
        self.assertIn("一是会前草稿中的问题。", "".join(lines(self.download("member-outline", member=wang.pk).content)))
        # A written outline is still her draft until the meeting is held (as in the editor).
        author = get_user_model().objects.create(username="u-wangfang", first_name="王芳")
        Person.objects.filter(pk=wang.person_id).update(user=author)
        material_save(actor=author, meeting=self.meeting, owner=wang, text="一、本人发言", base_version=0)
        self.login("member")
        response = self.download("member-outline", member=wang.pk)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("本人发言", response.content.decode())
        self.login("principal")
        self.assertIn("一、本人发言", lines(self.download("member-outline", member=wang.pk).content))
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=DEMO_DAY)  # as finalised minutes do
        self.login("member")
        self.assertIn("一、本人发言", lines(self.download("member-outline", member=wang.pk).content))

    def test_outline_written_by_the_member_via_the_cli(self):
        li = self.entry("李华")
        outline = Material.objects.get(meeting=self.meeting, owner=li)
        material_act(actor=self.member, material=outline, action=Action.WITHDRAW)
        text = "二、检视查摆问题\n（一）带头固本培元、增强党性方面\n一是自学时间保证不够，全年自学笔记不足1万字。"
        base = outline.current_version
        material_save(actor=self.member, meeting=self.meeting, owner=li, base_version=base, text=text)
        with tempfile.TemporaryDirectory() as tmp:
            call_command("document", "member-outline", "--meeting", str(self.meeting.pk), "--member", "李华",
                         "-o", tmp, stdout=io.StringIO())  # fmt: skip
            path = Path(tmp) / "市农业农村局党组领导班子2025年度民主生活会-个人发言提纲（李华）.docx"
            text = lines(path.read_bytes())
        self.assertEqual(text[0], "李华同志在2025年度\n民主生活会上的个人发言提纲")
        self.assertEqual(text[1], "（初稿）")
        self.assertIn("一是自学时间保证不够，全年自学笔记不足1万字。", text)
        self.assertNotIn(MISSING, "".join(text))
