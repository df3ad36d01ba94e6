"""The anonymous form's address behind every QR code: MINGJING_BASE_URL, else the address the page
was opened on; a loopback address is warned about; the printed 征求意见表 carries the same code."""

from __future__ import annotations

import io

from django.test import SimpleTestCase, override_settings
from docx import Document

from mingjing.opinions.address import is_loopback, loopback_warning
from mingjing.opinions.documents import qr_png
from mingjing.opinions.tests.test_documents import OpinionDocumentsTestCase, paragraphs

LAN = "http://192.168.1.10:8000"


@override_settings(BASE_URL="", ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost", "[::1]", "192.168.1.10"])
class FormAddressTest(OpinionDocumentsTestCase):
    def page(self, path: str, host: str) -> str:
        response = self.client.get(path, HTTP_HOST=host)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def campaign_page(self, host: str) -> str:
        return self.page(f"/opinions/campaigns/{self.online.pk}/", host)

    def printable_page(self, host: str) -> str:
        return self.page(f"/opinions/campaigns/{self.online.pk}/form/", host)

    def test_the_pages_warn_when_the_code_points_at_the_server_itself(self):
        self.login("preparer")
        token = self.online.public_token
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
            with self.subTest(host=host):
                html = self.campaign_page(host)
                self.assertIn(f'href="http://{host}/o/{token}/"', html)
                self.assertIn('id="address-warning"', html)
                self.assertIn("手机扫码无法打开", html)
                self.assertIn('id="address-warning"', self.printable_page(host))
        # Opened on the LAN address: that address, no warning.
        html = self.campaign_page("192.168.1.10:8000")
        self.assertIn(f'href="{LAN}/o/{token}/"', html)
        self.assertNotIn('id="address-warning"', html)
        self.assertNotIn('id="address-warning"', self.printable_page("192.168.1.10:8000"))

    @override_settings(BASE_URL="https://mj.example.gov.cn")
    def test_the_configured_address_wins_over_the_request(self):
        self.login("preparer")
        html = self.campaign_page("127.0.0.1:8000")
        self.assertIn(f'href="https://mj.example.gov.cn/o/{self.online.public_token}/"', html)
        self.assertNotIn('id="address-warning"', html)

    def test_the_printed_form_carries_the_code_of_the_address_the_page_was_opened_on(self):
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/solicitation-form/download/",
                                   {"format": "docx"}, HTTP_HOST="192.168.1.10:8000")  # fmt: skip
        self.assertEqual(response.status_code, 200)
        url = f"{LAN}/o/{self.online.public_token}/"
        lines = paragraphs(response.content)
        intro = next(t for t in lines if t.startswith("为开好"))
        self.assertIn("也可扫描下方二维码在网上匿名填写", intro)
        self.assertEqual(lines[lines.index("扫描二维码或访问以下网址匿名填写：") + 1], url)
        document = Document(io.BytesIO(response.content))
        blobs = [p.blob for p in document.part.package.parts if p.partname.endswith(".png")]
        self.assertEqual(blobs, [qr_png(url)])


class LoopbackTest(SimpleTestCase):
    def test_loopback_addresses(self):
        for url in ("http://127.0.0.1:8000/o/x/", "http://127.8.0.1/", "http://localhost/", "http://[::1]:8000/"):
            with self.subTest(url=url):
                self.assertTrue(is_loopback(url))
                self.assertIn("MINGJING_BASE_URL", loopback_warning(url))
        for url in ("http://192.168.1.10:8000/", "https://mj.example.gov.cn/", None, ""):
            with self.subTest(url=url):
                self.assertFalse(is_loopback(url))
                self.assertEqual(loopback_warning(url), "")


@override_settings(BASE_URL="", ALLOWED_HOSTS=["testserver", "192.168.1.10"])
class PreviewAddressTest(OpinionDocumentsTestCase):
    def test_the_preview_shows_the_address_the_download_prints(self):
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/solicitation-form/",
                                   HTTP_HOST="192.168.1.10:8000")  # fmt: skip
        self.assertContains(response, "也可扫描下方二维码在网上匿名填写")
        self.assertContains(response, f"{LAN}/o/{self.online.public_token}/")
