import hashlib
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from mingjing.archive.box import build_box
from mingjing.archive.bundle import BUNDLE_JSON, BundleError, export_bundle, owned_models
from mingjing.archive.models import ImportedEvent
from mingjing.archive.selectors import imported_history
from mingjing.archive.services import bundle_import, meeting_archive
from mingjing.archive.testing import archive_held
from mingjing.audit.models import AuditEvent
from mingjing.audit.selectors import history_for_object
from mingjing.materials.models import UploadedFile
from mingjing.materials.services import material_upload
from mingjing.materials.tests.permissions import docx_bytes
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_create
from mingjing.opinions.demo import ONLINE_TITLE
from mingjing.opinions.models import Campaign
from mingjing.opinions.services import PublicEntry, campaign_close, opinion_submit_public
from mingjing.rectification.models import RectificationItem
from mingjing.studies.services import study_session_record
from mingjing.talks.models import Talk
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase, ensure_demo

SECRET = "匿名者才知道的秘密意见"


def bundle_json(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return json.loads(zf.read(BUNDLE_JSON))


def with_json(content: bytes, change) -> bytes:
    """The same bundle with bundle.json edited by `change(data)`."""
    data = bundle_json(content)
    change(data)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = json.dumps(data, ensure_ascii=False).encode() if name == BUNDLE_JSON else src.read(name)
            dst.writestr(name, body)
    return out.getvalue()


def elsewhere(data: dict) -> None:
    """Make the bundle one of a meeting that is not here (another deployment's meeting of the same
    unit): a new uid, and anonymous-form tokens of its own."""
    old, new = data["meeting"]["uid"], str(uuid.uuid4())
    edited = json.loads(json.dumps(data, ensure_ascii=False).replace(old, new))
    data.clear()
    data.update(edited)
    for row in data["records"].get("opinions.campaign", []):
        row["fields"]["public_token"] = uuid.uuid4().hex


def every_text(content: bytes, depth: int = 0) -> str:
    """Every entry of a zip as text, opening the zips inside it (bundles, .docx, .xlsx) too."""
    out = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            body = zf.read(name)
            if body[:2] == b"PK" and depth < 3:
                out.append(every_text(body, depth + 1))
            else:
                out.append(body.decode("utf-8", errors="replace"))
    return "\n".join(out)


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class IsolatedMediaTestCase(BaseTestCase):
    """A copy of the stored files for the class: what imports write (or must not) is seen alone."""

    @classmethod
    def setUpClass(cls) -> None:
        ensure_demo()
        cls._media = tempfile.mkdtemp()
        shutil.copytree(settings.MEDIA_ROOT, cls._media, dirs_exist_ok=True)
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    def setUp(self):
        roster = {e.name: e for e in self.meeting.roster.all()}
        self.roster = roster
        talk_record(
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=roster["张明"],
            counterpart_kind="member",
            other_member=roster["李华"],
            topics="谈工作作风",
        )
        study_session_record(
            actor=self.preparer,
            meeting=self.meeting,
            session_date=DEMO_DAY,
            form="collective",
            materials="党章\n准则",
            participants=[roster["张明"], roster["王芳"]],
        )

    def respond(self, target, n, text=SECRET):
        online = Campaign.objects.get(meeting=self.meeting, title=ONLINE_TITLE)
        with mock.patch("mingjing.opinions.services.today", return_value=online.opens_on):
            for i in range(n):
                entries = [
                    PublicEntry(target=target, aspect=None, text=f"{text}{i}"),
                    PublicEntry(target=None, aspect=None, text=f"{text}班子{i}"),
                ]
                opinion_submit_public(campaign=online, entries=entries)
        return online

    def upload_docx(self, *paragraphs: str) -> UploadedFile:
        return material_upload(
            actor=self.principal,
            meeting=self.meeting,
            owner=None,
            name="班子对照检查材料.docx",
            content=docx_bytes(*paragraphs),
        )

    def upload(self, content: bytes):
        return self.client.post(
            reverse("archive:bundle_import"),
            {"file": SimpleUploadedFile("meeting.zip", content, content_type="application/zip")},
            follow=True,
        )


class BundleTest(IsolatedMediaTestCase):
    def test_every_domain_record_kind_travels(self):
        labels = {o.label for o in owned_models()}
        for expected in ("meetings.rosterentry", "talks.talk", "studies.studysession", "opinions.opinion"):
            self.assertIn(expected, labels)
        for carried_otherwise in ("audit.auditevent", "archive.importedevent", "archive.withheldopinions"):
            self.assertNotIn(carried_otherwise, labels)

    def test_export_import_export_gives_the_same_content_in_a_fresh_deployment(self):
        self.upload_docx("一、上年度整改落实情况", "正文。")
        self.respond(self.roster["李华"], 2)  # hidden: the campaign is open
        first = export_bundle(meeting=self.meeting)
        last_year = export_bundle(meeting=self.last_meeting)
        self.assertNotIn(SECRET, every_text(first))
        usernames = list(get_user_model().objects.values_list("username", flat=True))
        if connection.vendor == "postgresql":  # TRUNCATE refuses while deferred FK checks are pending
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", "--noinput", verbosity=0)  # another deployment: empty but for its presets
        self.assertFalse(Meeting.objects.exists())
        for name in usernames:
            get_user_model().objects.create(username=name)
        # The earlier year first, so the link between the two years is kept.
        previous = bundle_import(actor=None, content=last_year).meeting
        result = bundle_import(actor=None, content=first)
        self.assertEqual(result.meeting.previous, previous)
        self.assertTrue(result.created)
        self.assertFalse(result.meeting.is_copy)  # the console moves a meeting in
        self.assertEqual(result.meeting.organization.name, "中共明远市农业农村局党组")
        self.assertEqual(result.meeting.organization.parent.name, "中共明远市委员会")
        talk = Talk.objects.get(meeting=result.meeting)
        self.assertEqual((talk.member.name, talk.other_member.name, talk.topics), ("张明", "李华", "谈工作作风"))
        # Who did what travels as the other deployment's record, read-only, not as local history.
        self.assertEqual(history_for_object(talk), [])
        lines = [line.text for line in imported_history(meeting=result.meeting)]
        self.assertTrue(any(line.startswith("黄蕾（党务工作人员） 于") and "创建了谈心谈话" in line for line in lines))
        self.assertFalse(ImportedEvent.objects.filter(meeting=result.meeting, actor_name="").exists())
        self.assertEqual(
            list(
                AuditEvent.objects.filter(
                    content_type=ContentType.objects.get_for_model(Meeting), object_id=result.meeting.pk
                ).values_list("event_type", flat=True)
            ),
            ["bundle.imported"],
        )
        session = result.meeting.study_sessions.get()
        self.assertEqual(sorted(p.name for p in session.participants.all()), ["张明", "王芳"])
        again, before = bundle_json(export_bundle(meeting=result.meeting)), bundle_json(first)
        self.assertEqual(set(again), set(before))
        for key in before:
            self.assertEqual(again[key], before[key], key)
        self.assertTrue(before["withheld_opinions"])
        self.assertTrue(before["history"])

    def test_a_live_meeting_is_never_overwritten(self):
        content = export_bundle(meeting=self.meeting)
        counts = (Meeting.objects.count(), Talk.objects.count(), AuditEvent.objects.count())
        for actor in (self.preparer, self.admin, self.superior, None):
            with self.assertRaisesMessage(PermissionDenied, "不能用数据包覆盖"):
                bundle_import(actor=actor, content=content)
        self.assertEqual((Meeting.objects.count(), Talk.objects.count(), AuditEvent.objects.count()), counts)
        self.assertEqual(export_bundle(meeting=self.meeting), content)

    def test_an_empty_history_deletes_nothing(self):
        events = AuditEvent.objects.count()
        content = with_json(export_bundle(meeting=self.meeting), lambda d: d.update(history=[]))
        with self.assertRaises(PermissionDenied):
            bundle_import(actor=self.preparer, content=content)
        self.assertEqual(AuditEvent.objects.count(), events)
        self.assertTrue(history_for_object(self.meeting))
        # A copy refreshed from an edited bundle: the local events about the copy stay too.
        copy = bundle_import(actor=self.superior, content=with_json(export_bundle(meeting=self.meeting), elsewhere))
        copy = copy.meeting
        local = set(AuditEvent.objects.values_list("pk", flat=True))
        self.assertTrue(ImportedEvent.objects.filter(meeting=copy).exists())
        refreshed = with_json(export_bundle(meeting=copy), lambda d: d.update(history=[]))
        bundle_import(actor=self.superior, content=refreshed)
        self.assertLessEqual(local, set(AuditEvent.objects.values_list("pk", flat=True)))
        self.assertEqual(AuditEvent.objects.count(), len(local) + 1)  # its own "bundle.imported" line only

    def test_a_forged_event_is_only_the_other_deployments_record(self):
        forged = {
            "object": "meeting",
            "actor": "demo-admin",
            "actor_name": "伪造的人",
            "actor_role": "单位管理员",
            "event_type": "meeting.reopened",
            "event_time": "2026-11-01T08:00:00Z",
            "object_repr": self.meeting.title,
            "changes": [],
            "extra": {"reason": "伪造的原因"},
        }

        def forge(data):
            elsewhere(data)
            data["history"].append(forged)

        content = with_json(export_bundle(meeting=self.meeting), forge)
        result = bundle_import(actor=self.superior, content=content)
        self.assertFalse(AuditEvent.objects.filter(actor_name="伪造的人").exists())
        event = ImportedEvent.objects.get(meeting=result.meeting, actor_name="伪造的人")
        self.assertEqual(event.event_type, "meeting.reopened")
        self.assertFalse(hasattr(event, "actor"))  # a name and a role, no account
        self.login("superior")
        page = self.client.get(reverse("archive:meeting", args=[result.meeting.pk]))
        self.assertContains(page, "数据包带来的历史记录（只读）")
        self.assertContains(page, "伪造的人（单位管理员） 于 2026年11月1日 撤销了归档，原因：伪造的原因")
        meeting_page = self.client.get(reverse("meetings:detail", args=[result.meeting.pk]))
        self.assertNotContains(meeting_page, "伪造的人")  # not in the meeting's own history

    def test_an_edited_archive_flag_unarchives_nothing(self):
        archive_held(actor=None, meeting=self.meeting)
        self.meeting.refresh_from_db()
        on = self.meeting.archived_on
        content = export_bundle(meeting=self.meeting)
        unarchive = with_json(content, lambda d: d["meeting"]["fields"].update(archived_on=None))
        for actor in (self.preparer, self.admin, None):
            with self.assertRaises(PermissionDenied):
                bundle_import(actor=actor, content=unarchive)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.archived_on, on)
        # An archived copy stays archived when a bundle saying otherwise refreshes it.
        copy_bundle = with_json(content, elsewhere)
        copy = bundle_import(actor=self.superior, content=copy_bundle).meeting
        self.assertEqual(copy.archived_on, on)
        bundle_import(
            actor=self.superior,
            content=with_json(copy_bundle, lambda d: d["meeting"]["fields"].update(archived_on=None)),
        )
        copy.refresh_from_db()
        self.assertEqual(copy.archived_on, on)

    def test_previous_meeting_of_another_unit_is_refused(self):
        foreign = meeting_create(
            actor=None,
            organization=self.outsider_unit,
            config=self.meeting.config,
            planned_date=self.meeting.planned_date,
        )

        def point_abroad(data):
            elsewhere(data)
            data["meeting"]["previous_uid"] = str(foreign.uid)

        meetings = Meeting.objects.count()
        for actor in (self.superior, self.preparer, None):
            with self.assertRaises(BundleError) as caught:
                bundle_import(actor=actor, content=with_json(export_bundle(meeting=self.meeting), point_abroad))
            self.assertEqual(caught.exception.errors, ["$.meeting.previous_uid：上年度会议属于另一个单位，不能关联"])
        self.assertEqual(Meeting.objects.count(), meetings)
        self.assertEqual(RectificationItem.objects.filter(meeting__organization=self.bureau).exclude(
            meeting__in=[self.meeting, self.last_meeting]).count(), 0)  # fmt: skip

    def test_an_unknown_event_type_is_refused(self):
        def unknown(data):
            elsewhere(data)
            data["history"][3]["event_type"] = "talk.rewritten"

        content = with_json(export_bundle(meeting=self.meeting), unknown)
        meetings = Meeting.objects.count()
        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=self.superior, content=content)
        self.assertEqual(caught.exception.errors, ["$.history[3].event_type：未知的事件类型“talk.rewritten”"])
        self.assertEqual(Meeting.objects.count(), meetings)
        self.login("superior")
        response = self.upload(content)
        self.assertContains(response, "$.history[3].event_type：未知的事件类型")

    def test_dangling_references_are_refused_with_their_path(self):
        def dangle(data):
            elsewhere(data)
            talk = data["records"]["talks.talk"][0]["fields"]
            talk["member"] = "studies.studysession:1"  # a row of another kind
            talk["other_member"] = "meetings.rosterentry:999"
            data["records"]["meetings.rosterentry"][0]["fields"]["branch"] = "没有的支部"
            data["history"][0]["object"] = "talks.talk:999"

        content = with_json(export_bundle(meeting=self.meeting), dangle)
        meetings, talks = Meeting.objects.count(), Talk.objects.count()
        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=self.preparer, content=content)
        errors = "\n".join(caught.exception.errors)
        self.assertIn("$.records['talks.talk'][0].fields.member：找不到所指的“studies.studysession:1”", errors)
        self.assertIn("$.records['talks.talk'][0].fields.other_member：找不到所指的“meetings.rosterentry:999”", errors)
        self.assertIn("$.records['meetings.rosterentry'][0].fields.branch：找不到所指的“没有的支部”", errors)
        self.assertEqual((Meeting.objects.count(), Talk.objects.count()), (meetings, talks))
        self.login("preparer")
        response = self.upload(content)  # the page shows the paths, no English 500
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "数据包有误，未导入任何数据")
        self.assertContains(response, "$.records[&#x27;talks.talk&#x27;][0].fields.member：找不到所指的")
        with tempfile.TemporaryDirectory() as tmp:  # and so does the console
            path = Path(tmp) / "meeting.zip"
            path.write_bytes(content)
            with self.assertRaisesMessage(CommandError, "fields.other_member：找不到所指的"):
                call_command("bundle", "import", str(path))

    def test_errors_name_the_json_path_and_nothing_is_written(self):
        content = with_json(export_bundle(meeting=self.meeting), elsewhere)

        def break_it(data):
            data["records"]["talks.talk"][0]["fields"]["talk_date"] = "2026-13-45"
            data["records"]["studies.studysession"][0]["fields"]["no_such_field"] = 1
            del data["meeting"]["uid"]

        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=None, content=with_json(content, break_it))
        self.assertEqual(caught.exception.errors, ["$.meeting.uid：缺少此项"])

        def bad_records(data):
            data["records"]["talks.talk"][0]["fields"]["talk_date"] = "2026-13-45"
            data["records"]["studies.studysession"][0]["fields"]["no_such_field"] = 1
            data["records"]["talks.talk"][0]["fields"]["member"] = "不存在的人"

        talks_before, meetings = Talk.objects.count(), Meeting.objects.count()
        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=None, content=with_json(content, bad_records))
        errors = "\n".join(caught.exception.errors)
        self.assertIn("$.records['talks.talk'][0].fields.talk_date：", errors)
        self.assertIn("$.records['talks.talk'][0].fields.member：找不到所指的“不存在的人”", errors)
        self.assertIn("$.records['studies.studysession'][0].fields.no_such_field：没有这个字段", errors)
        self.assertEqual((Talk.objects.count(), Meeting.objects.count()), (talks_before, meetings))
        self.assertTrue(Talk.objects.filter(meeting=self.meeting, topics="谈工作作风").exists())

    def test_not_a_bundle(self):
        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=None, content=b"not a zip")
        self.assertIn("不是有效的会议数据包", caught.exception.errors[0])

    def test_cli_exports_and_imports(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "meeting.zip"
            out = io.StringIO()
            call_command("bundle", "export", "--meeting", str(self.meeting.pk), "-o", str(path), stdout=out)
            self.assertIn("已导出", out.getvalue())
            with self.assertRaisesMessage(CommandError, "未导入：本系统中已有该民主生活会的在用记录，不能用数据包覆盖"):
                call_command("bundle", "import", str(path))
            path.write_bytes(with_json(path.read_bytes(), elsewhere))
            out = io.StringIO()
            call_command("bundle", "import", str(path), stdout=out)
            self.assertIn(f"已导入（新建）“{self.meeting.title}”", out.getvalue())
            with self.assertRaisesMessage(CommandError, "不能用数据包覆盖"):  # the console moved it in: live now
                call_command("bundle", "import", str(path))
            path.write_bytes(b"junk")
            with self.assertRaisesMessage(CommandError, "数据包有误，未导入任何数据"):
                call_command("bundle", "import", str(path))


class CopyTest(IsolatedMediaTestCase):
    def test_a_superior_imports_a_read_only_copy(self):
        content = with_json(export_bundle(meeting=self.meeting), elsewhere)
        self.login("superior")
        response = self.upload(content)
        self.assertContains(response, "已导入（新建只读副本）")
        copy = Meeting.objects.get(uid=bundle_json(content)["meeting"]["uid"])
        self.assertTrue(copy.is_copy)
        # Nobody writes to it: not the unit's preparer through a service, not a direct save, not the ledger.
        with self.assertRaisesMessage(PermissionDenied, "只读副本"):
            talk_record(
                actor=self.preparer,
                meeting=copy,
                talk_date=DEMO_DAY,
                member=copy.roster.get(name="张明"),
                counterpart_kind="member",
                other_member=copy.roster.get(name="李华"),
            )
        talk = Talk.objects.get(meeting=copy)
        talk.topics = "改写"
        with self.assertRaisesMessage(PermissionDenied, "只读副本"):
            talk.save()
        item = RectificationItem.objects.filter(meeting=copy).first()
        if item is not None:
            with self.assertRaisesMessage(PermissionDenied, "只读副本"):
                item.save()
        with self.assertRaises(PermissionDenied):
            meeting_archive(actor=self.preparer, meeting=copy, with_pdf=False)
        self.login("preparer")
        self.assertEqual(self.client.get(reverse("talks:create", args=[copy.pk])).status_code, 403)
        # A newer bundle of the same meeting refreshes the copy.
        self.login("superior")
        self.assertContains(self.upload(content), "已导入（更新只读副本）")
        self.assertEqual(Meeting.objects.filter(uid=copy.uid).count(), 1)

    def test_a_superior_may_not_import_over_a_subordinates_live_meeting(self):
        content = with_json(export_bundle(meeting=self.meeting), lambda d: d["records"]["talks.talk"][0][
            "fields"].update(topics="上级改写的内容"))  # fmt: skip
        self.login("superior")
        response = self.upload(content)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "本系统中已有该民主生活会的在用记录，不能用数据包覆盖", status_code=403)
        self.assertFalse(Talk.objects.filter(topics="上级改写的内容").exists())
        self.meeting.refresh_from_db()
        self.assertFalse(self.meeting.is_copy)

    def test_hidden_opinions_leave_as_counts_only(self):
        lihua = self.roster["李华"]
        online = self.respond(lihua, 2)  # open campaign: hidden
        content = export_bundle(meeting=self.meeting)
        self.assertNotIn(SECRET, every_text(content))
        withheld = bundle_json(content)["withheld_opinions"]
        self.assertEqual(sum(w["count"] for w in withheld), 4)
        box, _ = build_box(meeting=self.meeting, with_pdf=False)
        self.assertNotIn(SECRET, every_text(box))  # the documents too, and the bundle in the box
        # Closed, 2 responses about 李华 stay under the threshold of 5; the team's reach it with 5.
        with mock.patch("mingjing.opinions.services.today", return_value=online.opens_on):
            for i in range(3):
                opinion_submit_public(
                    campaign=online, entries=[PublicEntry(target=None, aspect=None, text=f"公开的班子意见{i}")]
                )
        campaign_close(actor=self.preparer, campaign=online, closed_on=DEMO_DAY)
        content = export_bundle(meeting=self.meeting)
        text = every_text(content)
        self.assertNotIn(f"{SECRET}0", text)
        self.assertIn(f"{SECRET}班子0", text)  # shown at home, so it travels
        self.assertIn("公开的班子意见0", text)
        self.assertEqual(bundle_json(content)["withheld_opinions"][0]["count"], 2)
        box, _ = build_box(meeting=self.meeting, with_pdf=False)
        self.assertNotIn(f"{SECRET}0", every_text(box))
        # The copy shows the number; a re-export of it carries the same count.
        copy = bundle_import(actor=self.superior, content=with_json(content, elsewhere)).meeting
        self.assertEqual(bundle_json(export_bundle(meeting=copy))["withheld_opinions"][0]["count"], 2)
        self.login("superior")
        self.assertContains(self.client.get(reverse("archive:meeting", args=[copy.pk])), "另有2条未公开的网上匿名意见")

    def test_docx_originals_are_intact_and_stored_once_after_reimport(self):
        first = self.upload_docx("第一稿", "甲")
        second = self.upload_docx("第二稿", "乙")
        self.assertNotEqual(first.sha256, second.sha256)
        content = with_json(export_bundle(meeting=self.meeting), elsewhere)
        bundle_import(actor=self.superior, content=content)
        files = stored_files()
        copy = bundle_import(actor=self.superior, content=content).meeting
        self.assertEqual(stored_files(), files)  # nothing copied again
        uploads = list(UploadedFile.objects.filter(material__meeting=copy))
        self.assertEqual(len(uploads), UploadedFile.objects.filter(material__meeting=self.meeting).count())
        for upload in uploads:
            with upload.file.open("rb") as fh:
                self.assertEqual(hashlib.sha256(fh.read()).hexdigest(), upload.sha256, upload.file.name)
            self.assertIn(upload.sha256, upload.file.name)
        for original in (first, second):  # the originals still hold their own content
            with original.file.open("rb") as fh:
                self.assertEqual(hashlib.sha256(fh.read()).hexdigest(), original.sha256)

    def test_a_failed_import_leaves_no_file(self):
        upload = self.upload_docx("只在数据包里的一稿")
        content = export_bundle(meeting=self.meeting)
        upload.file.storage.delete(upload.file.name)  # this deployment never had it
        files = stored_files()

        def dangle(data):
            elsewhere(data)
            data["records"]["talks.talk"][0]["fields"]["member"] = "meetings.rosterentry:999"

        with self.assertRaises(BundleError):
            bundle_import(actor=self.superior, content=with_json(content, dangle))
        self.assertEqual(stored_files(), files)
        # Nor does one that fails after its files were written: they go with the transaction.
        with (
            mock.patch("mingjing.archive.services.audit_record", side_effect=RuntimeError("断电")),
            self.assertRaises(RuntimeError),
        ):
            bundle_import(actor=self.superior, content=with_json(content, elsewhere))
        self.assertEqual(stored_files(), files)
        bundle_import(actor=self.superior, content=with_json(content, elsewhere))
        self.assertEqual(stored_files(), files | {upload.file.name})


class RetiredAspectTest(IsolatedMediaTestCase):
    def test_a_retired_aspect_comes_back_retired(self):
        from mingjing.yearconfigs.models import Aspect, YearConfig

        YearConfig.objects.filter(pk=self.meeting.config_id).update(organization=self.bureau, preset_code="")
        retired = Aspect.objects.filter(config_id=self.meeting.config_id).order_by("order").last()
        Aspect.objects.filter(pk=retired.pk).update(retired=True)
        content = export_bundle(meeting=Meeting.objects.get(pk=self.meeting.pk))
        aspects = bundle_json(content)["config"]["aspects"]
        self.assertEqual([a["retired"] for a in aspects], [a.retired for a in retired.config.aspects.order_by("order")])
        # In another deployment the configuration is created from the bundle, retired aspect included.
        usernames = list(get_user_model().objects.values_list("username", flat=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", "--noinput", verbosity=0)
        for name in usernames:
            get_user_model().objects.create(username=name)
        meeting = bundle_import(actor=None, content=content).meeting
        self.assertEqual(
            list(meeting.config.aspects.order_by("order").values_list("title", "retired")),
            [(a["title"], a["retired"]) for a in aspects],
        )
        self.assertTrue(meeting.config.aspects.filter(retired=True).exists())
