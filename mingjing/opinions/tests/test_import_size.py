"""A sheet of opinions above the old limit of 5,000 rows imports, all or nothing."""

from __future__ import annotations

import io

from mingjing.opinions.demo import PAPER_TITLE
from mingjing.opinions.models import Campaign, Opinion
from mingjing.opinions.tests.test_opinions import sheet
from mingjing.test import BaseTestCase

ROWS = 5_001


class OpinionImportAboveTheOldLimitTest(BaseTestCase):
    def test_one_bad_row_changes_nothing_then_the_corrected_sheet_imports(self):
        paper = Campaign.objects.get(meeting=self.meeting, title=PAPER_TITLE)
        url = f"/opinions/campaigns/{paper.pk}/import/"
        rows = [
            (f"第{i}条意见：联系服务群众不够", "领导班子" if i % 2 else "李华", "1", "", "", "2026-10-21")
            for i in range(ROWS)
        ]
        rows[3_999] = ("对象不在名单", "孙丽", "1", "", "", "2026-10-21")
        before = Opinion.objects.filter(campaign=paper).count()
        self.login("preparer")
        response = self.client.post(url, {"file": io.BytesIO(sheet(rows))})
        self.assertContains(response, "第4001行「对象」：“孙丽”不是本次会议班子名单中的成员")
        self.assertEqual(Opinion.objects.filter(campaign=paper).count(), before)

        rows[3_999] = ("对象改对了", "王芳", "1", "", "", "2026-10-21")
        response = self.client.post(url, {"file": io.BytesIO(sheet(rows))}, follow=True)
        self.assertContains(response, f"已导入{ROWS}条意见")
        self.assertEqual(Opinion.objects.filter(campaign=paper).count(), before + ROWS)
        self.assertEqual(Opinion.objects.get(campaign=paper, text="对象改对了").target.name, "王芳")
