import os
from unittest import mock

from django.test import SimpleTestCase

from mingjing import settings


class DatabaseUrlTest(SimpleTestCase):
    def test_default_is_sqlite_in_wal_with_immediate_transactions(self):
        with mock.patch.dict(os.environ, {"MINGJING_DATABASE_URL": ""}):
            db = settings._database()
        self.assertEqual(db["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(db["OPTIONS"]["transaction_mode"], "IMMEDIATE")
        self.assertIn("journal_mode=WAL", db["OPTIONS"]["init_command"])

    def test_postgres_url_is_parsed(self):
        url = "postgres://mj:p%40ss@db.example:5433/mingjing_prod"
        with mock.patch.dict(os.environ, {"MINGJING_DATABASE_URL": url}):
            db = settings._database()
        self.assertEqual(
            (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]),
            ("django.db.backends.postgresql", "mingjing_prod", "mj", "p@ss", "db.example", "5433"),
        )

    def test_other_schemes_are_refused_with_a_chinese_message(self):
        with (
            mock.patch.dict(os.environ, {"MINGJING_DATABASE_URL": "mysql://x@y/z"}),
            self.assertRaisesMessage(ValueError, "仅支持 postgres://"),
        ):
            settings._database()


class StaticFilesTest(SimpleTestCase):
    def test_vendored_assets_are_found(self):
        from django.contrib.staticfiles import finders

        for asset in ("mingjing/site.css", "mingjing/vendor/htmx-2.0.11.min.js"):
            self.assertIsNotNone(finders.find(asset), asset)
