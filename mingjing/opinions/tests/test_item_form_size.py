"""The grouping form at size: it offers at most 100 opinions besides the item's own, the ungrouped first,
and finds the others by their words, with the same queries whatever the campaign's size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.opinions.demo import PAPER_TITLE
from mingjing.opinions.models import Campaign, Opinion, OpinionItem
from mingjing.test import DEMO_DAY, BaseTestCase


class ItemFormSizeTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.paper = Campaign.objects.get(meeting=cls.meeting, title=PAPER_TITLE)

    def add_opinions(self, start: int, stop: int) -> None:
        Opinion.objects.bulk_create(
            Opinion(campaign=self.paper, text=f"规模意见{i:03d}", received_on=DEMO_DAY) for i in range(start, stop)
        )

    def test_a_hundred_offered_the_rest_found_and_the_same_queries(self) -> None:
        item = OpinionItem.objects.filter(campaign=self.paper).order_by("order").first()
        own = set(item.opinions.values_list("pk", flat=True))
        self.assertTrue(own)
        self.login("preparer")
        url = reverse("opinions:item_edit", args=[item.pk])
        self.add_opinions(0, 150)
        with CaptureQueriesContext(connection) as small:
            page = self.client.get(url).content.decode()
        self.assertIn("只列出前100条", page)
        self.assertEqual(page.count('name="opinions"'), 100 + len(own))
        self.assertIn("规模意见000", page)  # not yet grouped: offered first
        self.assertNotIn("规模意见149", page)
        for pk in own:  # the item's own opinions stay shown and ticked
            self.assertRegex(page, rf'value="{pk}"[^>]*checked')

        self.add_opinions(150, 400)
        with self.assertNumQueries(len(small)):
            page = self.client.get(url).content.decode()
        self.assertEqual(page.count('name="opinions"'), 100 + len(own))

        found = self.client.get(url, {"oq": "规模意见349"}).content.decode()
        self.assertIn("规模意见349", found)
        self.assertNotIn("规模意见348", found)
        self.assertEqual(found.count('name="opinions"'), 1 + len(own))
        # Saved from the search's page, the found opinion joins the item and its own stay.
        opinion = Opinion.objects.get(text="规模意见349")
        response = self.client.post(
            f"{url}?oq=规模意见349",
            {
                "aspect": item.aspect_id or "",
                "target": item.target_id or "team",
                "text": item.text,
                "order": item.order,
                "opinions": [*own, opinion.pk],
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        self.assertEqual(set(item.opinions.values_list("pk", flat=True)), own | {opinion.pk})

    def test_the_new_item_form_offers_a_hundred(self) -> None:
        self.add_opinions(0, 150)
        self.login("preparer")
        page = self.client.get(reverse("opinions:item_create", args=[self.paper.pk])).content.decode()
        self.assertEqual(page.count('name="opinions"'), 100)
        self.assertIn('name="oq"', page)
