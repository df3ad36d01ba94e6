from django.test import SimpleTestCase
from django.urls import reverse

from mingjing.lib.urls import record_url


class RecordUrlTest(SimpleTestCase):
    def test_the_address_of_each_record_is_the_one_reverse_gives(self) -> None:
        for name in ("opinions:opinion_edit", "rectification:item", "meetings:detail"):
            with self.subTest(name):
                url = record_url(name)
                for pk in (7, 10, 1234):
                    self.assertEqual(url.of(pk), reverse(name, args=[pk]))
