"""Backup and restore, as an administrator runs them: the restore drill."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from mingjing.archive.services import meeting_archive
from mingjing.demo.services import load_demo
from mingjing.rectification.files import check_file, store
from mingjing.rectification.models import EvidenceFile, RectificationItem
from mingjing.test import DEMO_DAY

MEDIA = tempfile.mkdtemp(prefix="mingjing-backup-tests-")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def manage(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    env["MINGJING_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}"')
    return sorted(cursor.fetchall(), key=repr)


@unittest.skipUnless(connection.vendor == "sqlite", "the drill reads the restored SQLite file")
@override_settings(MEDIA_ROOT=MEDIA)
class RestoreDrillTest(TransactionTestCase):
    """Committed data, as on a running server (SQLite's backup cannot read the open transaction of
    a TestCase); the flush after each test empties the database, the audit log included."""

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        Path(MEDIA).mkdir()
        call_command("flush", "--noinput", verbosity=0)  # the demo anew, its files in MEDIA
        self.meeting = load_demo(on=DEMO_DAY)
        self.last_meeting = self.meeting.previous
        self.admin = get_user_model().objects.get(username="demo-admin")
        self.work = Path(tempfile.mkdtemp(prefix="mingjing-drill-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)

    def add_evidence(self, name: str, content: bytes) -> EvidenceFile:
        checked = check_file(SimpleUploadedFile(name, content))
        item = RectificationItem.objects.filter(meeting=self.meeting).first()
        return EvidenceFile.objects.create(
            item=item,
            file=store(checked),
            original_name=checked.name,
            size=checked.size,
            sha256=checked.sha256,
            content_type=checked.content_type,
        )

    def test_demo_archived_meeting_and_evidence_come_back_identical(self):
        meeting_archive(actor=self.admin, meeting=self.last_meeting, force=True)
        self.add_evidence("整改佐证一.pdf", PDF)
        self.add_evidence("整改佐证二.pdf", PDF + b"% second\n")
        backup = self.work / "backup.zip"
        call_command("backup", "-o", str(backup))
        with zipfile.ZipFile(backup) as archive:
            self.assertIn("manifest.json", archive.namelist())
        # Restore into an empty data directory, as on a new server.
        target = self.work / "restored"
        result = manage("restore", str(backup), data_dir=target)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("哈希全部核对无误", result.stdout)
        # Every table, row for row.
        restored = sqlite3.connect(target / "mingjing.sqlite3", detect_types=sqlite3.PARSE_DECLTYPES)
        tables = connection.introspection.table_names()
        self.assertIn("archive_archivebox", tables)
        with connection.cursor() as here:
            for table in tables:
                self.assertEqual(rows(here, table), rows(restored.cursor(), table), table)
        restored.close()
        # Every file, byte for byte (the archive box and the evidence among them).
        self.assertEqual(tree(Path(MEDIA)), tree(target / "files"))
        stored = {p.split("/")[0] for p in tree(Path(MEDIA))}
        self.assertEqual(stored, {"archive", "rectification"})
        # The restored deployment works: the archived meeting is still archived, the log unbroken.
        check = manage("audit", "verify", data_dir=target)
        self.assertEqual(check.returncode, 0, check.stderr)
        shown = manage("meetings", data_dir=target)
        self.assertEqual(shown.returncode, 0, shown.stderr)

    def test_restore_refuses_a_non_empty_deployment_and_a_damaged_backup(self):
        backup = self.work / "backup.zip"
        call_command("backup", "-o", str(backup))
        with self.assertRaisesMessage(CommandError, "已存在"):
            call_command("backup", "-o", str(backup))
        with self.assertRaisesMessage(CommandError, "数据目录或数据库不是空的"):
            call_command("restore", str(backup))
        # One byte changed in the database copy: refused before anything is written.
        damaged = self.work / "damaged.zip"
        with zipfile.ZipFile(backup) as src, zipfile.ZipFile(damaged, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "database.sqlite3":
                    data = data[:-1] + bytes([data[-1] ^ 1])
                dst.writestr(info, data)
        target = self.work / "empty"
        result = manage("restore", str(damaged), data_dir=target)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("database.sqlite3 的哈希与清单不符", result.stderr)
        self.assertFalse((target / "files").exists())


class NeverMigratedTest(unittest.TestCase):
    def test_a_command_on_a_database_never_migrated_says_how_to_fix_it(self):
        with tempfile.TemporaryDirectory() as data:
            env = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
            env["MINGJING_DATA_DIR"] = data
            result = subprocess.run(
                [str(Path(sys.executable).with_name("mingjing")), "meetings"], env=env, capture_output=True, text=True
            )
        self.assertEqual(result.returncode, 1)
        self.assertIn("数据库还没有初始化", result.stderr)
        self.assertIn("mingjing migrate", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
