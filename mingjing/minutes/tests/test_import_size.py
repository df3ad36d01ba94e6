"""A sheet of criticisms above the old limit of 5,000 rows imports, all or nothing."""

from __future__ import annotations

from mingjing.minutes.models import Criticism
from mingjing.minutes.tests.test_bulk import sheet
from mingjing.minutes.tests.test_minutes import REAL, MinutesTestCase

ROWS = 5_001


class CriticismImportAboveTheOldLimitTest(MinutesTestCase):
    def test_one_bad_row_changes_nothing_then_the_corrected_sheet_imports(self):
        record = self.start()
        pairs = [("李华", "张明"), ("王芳", "李华"), ("张明", "王芳")]
        rows = [[*pairs[i % 3], str(i % 3 + 1), REAL] for i in range(ROWS)]
        rows[4_200][2] = "两条"
        response = self.client.post(self.base + "criticisms/import/", {"file": sheet(*rows)})
        self.assertContains(response, "第4202行「条数」：应为1到50的整数，现为“两条”")
        self.assertFalse(Criticism.objects.filter(record=record).exists())

        rows[4_200][2] = "2"
        response = self.client.post(self.base + "criticisms/import/", {"file": sheet(*rows)})
        self.assertRedirects(response, self.base + "live/")
        self.assertEqual(Criticism.objects.filter(record=record).count(), ROWS)
