import hashlib
import io
import tempfile
import unittest
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from mingjing.archive.box import build_box
from mingjing.archive.bundle import export_bundle
from mingjing.archive.models import ArchiveBox
from mingjing.archive.tests.test_bundle import elsewhere, with_json
from mingjing.audit.selectors import history_for_object
from mingjing.documents.pdf import pdf_available
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_step_sync
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase


def entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


class ArchiveTest(BaseTestCase):
    def archive_as_preparer(self) -> ArchiveBox:
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=self.meeting.planned_date)  # held
        self.login("preparer")
        url = reverse("archive:create", args=[self.meeting.pk])
        response = self.client.post(url, {"confirm": "on"}, follow=True)
        self.assertContains(response, "已归档")
        return ArchiveBox.objects.get(meeting=self.meeting)

    def test_box_holds_documents_bundle_catalogue_and_a_manifest_that_checks(self):
        box = self.archive_as_preparer()
        response = self.client.get(reverse("archive:box_download", args=[box.pk]))
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        files = entries(response.content)
        self.assertIn("00_归档目录.docx", files)
        self.assertIn("会议数据包.zip", files)
        self.assertTrue(any(n.startswith("文书/") and n.endswith(".docx") for n in files))
        manifest = files.pop("MANIFEST.sha256").decode().splitlines()
        listed = dict(reversed(line.split("  ", 1)) for line in manifest)
        self.assertEqual(set(listed), set(files))
        for name, digest in listed.items():
            self.assertEqual(hashlib.sha256(files[name]).hexdigest(), digest, name)
        self.assertEqual(box.entries, len(files))
        self.assertEqual(hashlib.sha256(response.content).hexdigest(), box.sha256)

    def test_archived_meeting_is_read_only_until_an_administrator_reopens_it(self):
        self.archive_as_preparer()
        self.meeting.refresh_from_db()
        self.assertIsNotNone(self.meeting.archived_on)
        self.assertEqual(self.client.get(reverse("talks:create", args=[self.meeting.pk])).status_code, 403)
        page = self.client.get(reverse("talks:list", args=[self.meeting.pk]))
        self.assertNotContains(page, reverse("talks:create", args=[self.meeting.pk]))
        roster = {e.name: e for e in self.meeting.roster.all()}
        with self.assertRaises(PermissionDenied):  # the CLI and services are refused too
            talk_record(
                actor=None,
                meeting=self.meeting,
                talk_date=DEMO_DAY,
                member=roster["张明"],
                counterpart_kind="member",
                other_member=roster["李华"],
            )
        reopen = reverse("archive:reopen", args=[self.meeting.pk])
        self.assertEqual(self.client.post(reopen, {"reason": "补充"}).status_code, 403)
        self.login("admin")
        self.client.post(reopen, {"reason": ""})
        self.meeting.refresh_from_db()
        self.assertIsNotNone(self.meeting.archived_on)
        self.client.post(reopen, {"reason": "补充整改佐证材料"})
        self.meeting.refresh_from_db()
        self.assertIsNone(self.meeting.archived_on)
        self.assertTrue(any("撤销了归档，原因：补充整改佐证材料" in h.text for h in history_for_object(self.meeting)))
        self.assertEqual(self.client.get(reverse("talks:create", args=[self.meeting.pk])).status_code, 200)

    def test_a_member_may_not_take_the_box_out(self):
        box = self.archive_as_preparer()
        self.login("member")
        self.assertEqual(self.client.get(reverse("archive:box_download", args=[box.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("archive:bundle", args=[self.meeting.pk])).status_code, 403)

    def test_cli_archives_to_a_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "box.zip"
            out = io.StringIO()
            args = ["--meeting", str(self.last_meeting.pk), "-o", str(path), "--no-pdf", "--force"]
            call_command("archive", *args, stdout=out)
            self.assertIn("已归档", out.getvalue())
            self.assertIn("MANIFEST.sha256", entries(path.read_bytes()))
        self.assertIsNotNone(Meeting.objects.get(pk=self.last_meeting.pk).archived_on)


class BundleUploadTest(BaseTestCase):
    def upload(self, content: bytes):
        return self.client.post(
            reverse("archive:bundle_import"),
            {"file": SimpleUploadedFile("meeting.zip", content, content_type="application/zip")},
            follow=True,
        )

    def test_a_broken_bundle_shows_the_json_path(self):
        self.login("superior")
        response = self.upload(b"PK\x03\x04 broken")
        self.assertContains(response, "数据包有误，未导入任何数据")

    def test_outsider_may_not_import_another_units_bundle(self):
        content = export_bundle(meeting=self.meeting)
        self.login("outsider")
        self.assertEqual(self.upload(content).status_code, 403)
        response = self.upload(with_json(content, elsewhere))  # a meeting not here: still not his unit's
        self.assertContains(response, "您无权导入", status_code=403)
        self.assertFalse(Meeting.objects.filter(is_copy=True).exists())


@unittest.skipUnless(pdf_available(), "未安装 LibreOffice，跳过带 PDF 的归档包测试")
class ArchiveWithPdfTest(BaseTestCase):
    def test_every_document_has_its_pdf_beside_it(self):
        content, _ = build_box(meeting=self.meeting, with_pdf=True)
        names = set(entries(content))
        docx = {n for n in names if n.startswith("文书/") and n.endswith(".docx")}
        self.assertTrue(docx)
        self.assertEqual({n[:-5] + ".pdf" for n in docx}, {n for n in names if n.endswith(".pdf")})
        pdf = entries(content)[sorted(n for n in names if n.endswith(".pdf"))[0]]
        self.assertTrue(pdf.startswith(b"%PDF"))
