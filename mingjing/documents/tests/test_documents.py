"""The 文书 pages, downloads, paragraph edits and the CLI, driven as a user would."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from mingjing.audit.models import AuditEvent
from mingjing.documents.models import ParagraphOverride
from mingjing.documents.registry import get_kind
from mingjing.documents.render import DOCX
from mingjing.documents.slots import MISSING
from mingjing.talks.models import Talk
from mingjing.talks.services import talk_record, talk_update
from mingjing.test import DEMO_DAY, BaseTestCase

TOPICS = "交流了落实全面从严治党主体责任的体会，沟通了拟在会上提出的批评意见。"


def texts(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    out = [p.text for p in document.paragraphs]
    out += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return out


class DocumentTestCase(BaseTestCase):
    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def add_talk(self, a="张明", b="李华", topics=TOPICS, day=0, **kwargs):
        return talk_record(
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY + dt.timedelta(days=day),
            member=self.entry(a),
            counterpart_kind="member",
            other_member=self.entry(b),
            topics=topics,
            **kwargs,
        )

    def download(self, kind="talks", **query):
        query = {"format": "docx", **query}
        return self.client.get(f"/meetings/{self.meeting.pk}/documents/{kind}/download/", query)

    def preview(self, kind="talks", **query):
        return self.client.get(f"/meetings/{self.meeting.pk}/documents/{kind}/", query)

    def edit(self, key, text, kind="talks", **extra):
        url = f"/meetings/{self.meeting.pk}/documents/{kind}/edit/"
        return self.client.post(url, {"key": key, "text": text, **extra})


class TalksDocumentTest(DocumentTestCase):
    def test_the_record_comes_from_the_talks_and_a_missing_fact_prints_daixubuchong(self):
        talk = self.add_talk(participants="张明、李华", criticism_discussed=True)
        self.add_talk("李华", "王芳", day=3)
        self.login("member")
        response = self.download()
        lines = texts(response.content)
        self.assertIn("主要内容：" + TOPICS, lines)
        self.assertIn("谈话时间：2026年11月2日。谈话人：张明（局党组书记、局长）；谈话对象：李华（局党组成员、副局长）；"
                      "参加人员：张明、李华。", lines)  # fmt: skip
        intro = next(t for t in lines if t.startswith("按照"))
        self.assertIn("谈话时间为2026年11月2日至2026年11月5日，共登记谈话2次；按本次会议班子名单应谈17项、已谈2项，尚有15项未谈。",
                      intro)  # fmt: skip
        self.assertNotIn(MISSING, "".join(t for t in lines if t.startswith("主要内容")))
        # A talk without its content (entered before content was required): the document says so,
        # it does not invent them.
        Talk.objects.filter(pk=talk.pk).update(topics="")
        lines = texts(self.download().content)
        self.assertIn(f"主要内容：{MISSING}", lines)
        self.assertIn("主要内容：" + TOPICS, lines)  # the other talk still has its own

    def test_no_talks_yet_leaves_the_dates_to_be_filled(self):
        self.login("preparer")
        intro = next(t for t in texts(self.download().content) if t.startswith("按照"))
        self.assertIn(f"谈话时间为{MISSING}至{MISSING}，共登记谈话0次", intro)

    def test_one_members_record(self):
        self.add_talk("张明", "李华")
        self.add_talk("王芳", "赵强")
        self.login("preparer")
        member = self.entry("李华")
        response = self.download(member=member.pk)
        self.assertIn(quote("谈心谈话记录（李华）.docx"), response["Content-Disposition"])
        lines = texts(response.content)
        self.assertIn("（一）张明与李华谈话", lines)
        self.assertNotIn("（二）王芳与赵强谈话", lines)
        self.assertTrue(any("李华同志在会前" in t and "应谈6项、已谈1项" in t for t in lines))

    def test_download_headers(self):
        self.login("member")
        response = self.download()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX)
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        name = quote("市农业农村局党组领导班子2025年度民主生活会-谈心谈话记录.docx")
        self.assertIn(name, response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.content[:2], b"PK")

    def test_unknown_kind_format_or_member_is_not_found(self):
        self.login("preparer")
        self.assertEqual(self.download(kind="nosuch").status_code, 404)
        self.assertEqual(self.download(format="xlsx").status_code, 404)
        other = self.last_meeting.roster.get(name="李华")
        self.assertEqual(self.download(member=other.pk).status_code, 404)
        self.assertEqual(self.download(kind="catalogue", member=self.entry("李华").pk).status_code, 404)

    def test_pdf_without_libreoffice_explains_in_chinese(self):
        self.login("preparer")
        with mock.patch("mingjing.documents.pdf.soffice_path", return_value=None):
            url = f"/meetings/{self.meeting.pk}/documents/talks/download/"
            response = self.client.get(url, {"format": "pdf"}, follow=True)
            self.assertContains(response, "本机未安装 LibreOffice")
            page = self.client.get(f"/meetings/{self.meeting.pk}/documents/").content.decode()
        self.assertIn("暂不能导出 PDF", page)
        self.assertNotIn("format=pdf", page)


class CatalogueTest(DocumentTestCase):
    def test_catalogue_lists_every_registered_kind_per_member_where_personal(self):
        self.login("preparer")  # member-outline (mingjing/materials/documents.py) is personal
        cells = texts(self.download(kind="catalogue").content)
        self.assertIn("谈心谈话记录", cells)
        outlines = [c for c in cells if c.startswith("个人发言提纲（")]
        self.assertEqual(outlines, [f"个人发言提纲（{name}）" for name in ("张明", "李华", "王芳", "赵强")])
        self.assertNotIn("材料归档目录", cells[1:])  # the catalogue does not list itself
        intro = next(c for c in cells if c.startswith("本盒收存"))
        self.assertIn("地点：", intro)


class OverrideTest(DocumentTestCase):
    def test_an_edit_persists_across_regeneration_until_reset(self):
        talk = self.add_talk()
        key = f"talk-{talk.pk}"
        self.login("preparer")
        response = self.edit(key, "主要内容：双方深入交流了思想。\n并相互提醒了不足。")
        self.assertEqual(response.status_code, 302)
        self.assertIn(f"#p-{key}", response["Location"])
        # The record changes; the document is generated afresh and keeps the edit.
        talk_update(actor=self.preparer, talk=talk, data={"topics": "新的谈话内容"})
        lines = texts(self.download().content)
        self.assertIn("主要内容：双方深入交流了思想。", lines)
        self.assertIn("并相互提醒了不足。", lines)
        self.assertNotIn("主要内容：新的谈话内容", lines)
        page = self.preview().content.decode()
        self.assertIn("已修改", page)
        self.assertIn("记录已变化：根据当前记录自动生成的内容为“主要内容：新的谈话内容”", page)
        # Reset: the generated text is back.
        response = self.client.post(f"/meetings/{self.meeting.pk}/documents/talks/reset/", {"key": key})
        self.assertEqual(response.status_code, 302)
        lines = texts(self.download().content)
        self.assertIn("主要内容：新的谈话内容", lines)
        self.assertFalse(ParagraphOverride.objects.filter(kind="talks").exists())
        events = list(AuditEvent.objects.filter(event_type__startswith="document.", extra__kind="talks").order_by("id"))
        self.assertEqual([e.event_type for e in events], ["document.paragraph_edited", "document.paragraph_reset"])
        self.assertEqual(events[0].extra["new"], "主要内容：双方深入交流了思想。\n并相互提醒了不足。")
        history = self.preview().content.decode()
        self.assertIn("修改了《谈心谈话记录》的段落“张明与李华谈话的内容”", history)
        self.assertIn("将《谈心谈话记录》的段落“张明与李华谈话的内容”恢复为自动生成内容", history)

    def test_edits_are_kept_per_member(self):
        self.login("preparer")
        li = self.entry("李华")
        self.assertEqual(self.edit("intro", "李华的概述。", member=li.pk).status_code, 302)
        self.assertIn("李华的概述。", texts(self.download(member=li.pk).content))
        self.assertNotIn("李华的概述。", texts(self.download().content))

    def test_an_emptied_paragraph_is_left_out_until_reset(self):
        self.login("preparer")
        intro = next(line for line in texts(self.download().content) if line.startswith("按照"))
        response = self.edit("intro", "   ")
        self.assertEqual(response.status_code, 302)
        self.assertNotIn(intro, texts(self.download().content))
        self.assertContains(self.preview(), "此段已删去，不印在文书中")
        self.client.post(f"/meetings/{self.meeting.pk}/documents/talks/reset/", {"key": "intro"})
        self.assertIn(intro, texts(self.download().content))

    def test_bad_edits_are_explained_and_keep_the_text(self):
        self.login("preparer")
        response = self.edit("no-such-paragraph", "文字")
        self.assertContains(response, "文书中没有这一段", status_code=400)
        response = self.edit("intro", "长" * 5001)
        self.assertContains(response, "段落内容不能超过5000字（现为5001字）", status_code=400)
        self.assertContains(response, "长" * 5001, status_code=400)  # the user's text is not lost
        self.assertFalse(ParagraphOverride.objects.filter(kind="talks").exists())

    def test_only_writers_edit_readers_see_no_form(self):
        self.login("member")
        self.assertEqual(self.edit("intro", "成员改写").status_code, 403)
        self.assertNotIn("保存修改", self.preview().content.decode())
        self.login("supervisor")
        self.assertEqual(self.edit("intro", "督导组改写").status_code, 403)
        self.assertEqual(self.download().status_code, 200)
        self.login("preparer")
        self.assertIn("保存修改", self.preview().content.decode())
        self.assertFalse(ParagraphOverride.objects.filter(kind="talks").exists())

    def test_preview_marks_what_is_missing(self):
        self.login("preparer")
        page = self.preview().content.decode()
        self.assertIn('<mark class="missing">【待补充】</mark>', page)
        self.assertIn("尚有2处", page)


class ListPageTest(DocumentTestCase):
    def test_lists_the_kinds_with_downloads_and_a_link_from_the_meeting(self):
        self.login("member")
        page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn(f'href="/meetings/{self.meeting.pk}/documents/"', page)
        page = self.client.get(f"/meetings/{self.meeting.pk}/documents/").content.decode()
        self.assertIn("谈心谈话记录", page)
        self.assertIn("材料归档目录", page)
        self.assertIn("talks/download/?format=docx&amp;member=", page)  # one row per team member
        self.assertIn("预览", page)
        self.assertNotIn("预览与修改", page)

    def test_fixed_number_of_queries(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/documents/"
        entries = list(self.meeting.roster.all())

        def add(start, stop):
            ParagraphOverride.objects.bulk_create(
                ParagraphOverride(
                    meeting=self.meeting, kind="talks", member=entries[i % len(entries)], key=f"k{i}", text="x"
                )  # fmt: skip
                for i in range(start, stop)
            )

        add(0, 10)
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.assertContains(self.client.get(url), "已修改")
        add(10, 200)
        with self.assertNumQueries(len(small)):
            self.client.get(url)


class CommandTest(DocumentTestCase):
    def test_cli_writes_the_file(self):
        self.add_talk()
        with tempfile.TemporaryDirectory() as tmp:
            out = io.StringIO()
            call_command("document", "talks", "--meeting", str(self.meeting.pk), "--member", "李华", "-o", tmp,
                         stdout=out)  # fmt: skip
            path = Path(tmp) / "市农业农村局党组领导班子2025年度民主生活会-谈心谈话记录（李华）.docx"
            self.assertIn("已生成", out.getvalue())
            self.assertIn("主要内容：" + TOPICS, texts(path.read_bytes()))
            target = Path(tmp) / "目录.docx"
            call_command("document", "catalogue", "--meeting", str(self.meeting.pk), "-o", str(target), stdout=out)
            self.assertIn("谈心谈话记录", texts(target.read_bytes()))
            # An .xlsx asked for under a .docx name is written under the right extension.
            sheet = Path(tmp) / "清单.docx"
            call_command("document", "rectification-list", "--meeting", str(self.meeting.pk), "--xlsx",
                         "-o", str(sheet), stdout=out)  # fmt: skip
            self.assertFalse(sheet.exists())
            self.assertTrue(sheet.with_suffix(".xlsx").read_bytes().startswith(b"PK"))
            self.assertIn("清单.xlsx", out.getvalue())

    def test_cli_errors_are_chinese(self):
        cases = [
            (["nosuch", "--meeting", str(self.meeting.pk)], "没有“nosuch”这种文书"),
            (["talks"], "请用 --meeting 指定"),
            (["talks", "--meeting", "99999"], "没有编号为 99999 的民主生活会"),
            (["talks", "--meeting", str(self.meeting.pk), "--member", "路人"], "班子名单中没有“路人”"),
            (["catalogue", "--meeting", str(self.meeting.pk), "--member", "李华"], "是班子的文书"),
            (["talks", "--meeting", str(self.meeting.pk), "--xlsx"], "没有 xlsx 格式"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                call_command("document", *args, stdout=io.StringIO())

    def test_cli_lists_the_kinds(self):
        out = io.StringIO()
        call_command("document", stdout=out)
        self.assertIn("talks", out.getvalue())
        self.assertIn("谈心谈话记录（班子或成员；docx）", out.getvalue())
        self.assertIsNotNone(get_kind("catalogue"))
