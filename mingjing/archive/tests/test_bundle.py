import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mingjing.archive.bundle import BUNDLE_JSON, BundleError, export_bundle, owned_models
from mingjing.archive.services import bundle_import
from mingjing.audit.selectors import history_for_object
from mingjing.meetings.models import Meeting
from mingjing.studies.services import study_session_record
from mingjing.talks.models import Talk
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase


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


class BundleTest(BaseTestCase):
    def setUp(self):
        roster = {e.name: e for e in self.meeting.roster.all()}
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

    def test_every_domain_record_kind_travels(self):
        labels = {o.label for o in owned_models()}
        for expected in ("meetings.rosterentry", "talks.talk", "studies.studysession", "opinions.opinion"):
            self.assertIn(expected, labels)
        self.assertNotIn("audit.auditevent", labels)

    def test_export_import_export_gives_the_same_content_in_a_fresh_deployment(self):
        first = export_bundle(meeting=self.meeting)
        last_year = export_bundle(meeting=self.last_meeting)
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
        self.assertEqual(result.meeting.organization.name, "中共明远市农业农村局党组")
        self.assertEqual(result.meeting.organization.parent.name, "中共明远市委员会")
        talk = Talk.objects.get(meeting=result.meeting)
        self.assertEqual((talk.member.name, talk.other_member.name, talk.topics), ("张明", "李华", "谈工作作风"))
        # Who did what travels with the records: the talk's history reads as it did at home.
        lines = [h.text for h in history_for_object(talk)]
        self.assertTrue(any(line.startswith("黄蕾（党务工作人员） 于") and "创建了" in line for line in lines), lines)
        session = result.meeting.study_sessions.get()
        self.assertEqual(sorted(p.name for p in session.participants.all()), ["张明", "王芳"])
        again, before = bundle_json(export_bundle(meeting=result.meeting)), bundle_json(first)
        for key in before:
            self.assertEqual(again[key], before[key], key)

    def test_importing_the_same_bundle_twice_does_not_duplicate(self):
        content = export_bundle(meeting=self.meeting)
        counts = (Meeting.objects.count(), Talk.objects.count(), self.meeting.roster.count())
        result = bundle_import(actor=self.preparer, content=content)
        self.assertFalse(result.created)
        self.assertEqual(result.meeting.pk, self.meeting.pk)
        again = bundle_import(actor=self.preparer, content=content)
        self.assertEqual(again.meeting.pk, self.meeting.pk)
        self.assertEqual((Meeting.objects.count(), Talk.objects.count(), self.meeting.roster.count()), counts)
        self.assertEqual(export_bundle(meeting=self.meeting), content)

    def test_errors_name_the_json_path_and_nothing_is_written(self):
        content = export_bundle(meeting=self.meeting)

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

        talks_before = Talk.objects.count()
        with self.assertRaises(BundleError) as caught:
            bundle_import(actor=None, content=with_json(content, bad_records))
        errors = "\n".join(caught.exception.errors)
        self.assertIn("$.records['talks.talk'][0].fields.talk_date：", errors)
        self.assertIn("$.records['talks.talk'][0].fields.member：找不到所指的“不存在的人”", errors)
        self.assertIn("$.records['studies.studysession'][0].fields.no_such_field：没有这个字段", errors)
        self.assertEqual(Talk.objects.count(), talks_before)
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
            out = io.StringIO()
            call_command("bundle", "import", str(path), stdout=out)
            self.assertIn(f"已导入（更新）“{self.meeting.title}”", out.getvalue())
            path.write_bytes(b"junk")
            with self.assertRaisesMessage(CommandError, "数据包有误，未导入任何数据"):
                call_command("bundle", "import", str(path))
