"""The roster round trip as a preparer does it in the browser: download, edit in Excel, upload."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from mingjing.organizations.models import Person
from mingjing.test import BaseTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterPageTest(BaseTestCase):
    def download(self, path: str):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        return load_workbook(io.BytesIO(response.content))

    def upload(self, workbook):
        buffer = io.BytesIO()
        workbook.save(buffer)
        file = SimpleUploadedFile("名单.xlsx", buffer.getvalue(), content_type=XLSX)
        return self.client.post(f"/units/{self.bureau.pk}/roster/import/", {"file": file}, follow=True)

    def test_export_edit_and_import_updates_that_person_only(self):
        self.login("preparer")
        workbook = self.download(f"/units/{self.bureau.pk}/roster/export.xlsx")
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[:3], ["姓名", "职务", "班子角色"])
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "赵强")
        row[1].value = "局党组成员、副局长（兼）"
        before = {p.name: p.post for p in Person.objects.filter(organization=self.bureau)}
        response = self.upload(workbook)
        self.assertContains(response, "导入完成：新增0人，更新1人")
        after = {p.name: p.post for p in Person.objects.filter(organization=self.bureau)}
        self.assertEqual(after.pop("赵强"), "局党组成员、副局长（兼）")
        before.pop("赵强")
        self.assertEqual(after, before)
        self.assertContains(response, "导入了人员名单（新增0人，更新1人）")

    def test_a_bad_row_changes_nothing_and_the_page_names_row_and_column(self):
        self.login("preparer")
        workbook = self.download(f"/units/{self.bureau.pk}/roster/template.xlsx")
        sheet = workbook.active
        sheet.append(["新同志", "科员", "", "", "不存在科", "", "", "是"])
        response = self.upload(workbook)
        self.assertContains(response, "未导入任何数据")
        self.assertContains(response, "第3行「分管科室」")
        self.assertContains(response, "不存在科")
        self.assertFalse(Person.objects.filter(name__in=["新同志", "张三"]).exists())

    def test_member_may_export_but_not_import(self):
        self.login("member")
        self.download(f"/units/{self.bureau.pk}/roster/export.xlsx")
        self.assertEqual(self.client.get(f"/units/{self.bureau.pk}/roster/import/").status_code, 403)
