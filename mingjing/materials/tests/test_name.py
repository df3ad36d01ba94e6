"""The team's material is named as the year's configuration names it: 对照检查材料 (the default) or
检视剖析材料, on the materials pages' headings."""

from __future__ import annotations

from django.urls import reverse

from mingjing.materials.services import material_save
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig


class MaterialNameTest(BaseTestCase):
    def name(self, value: str) -> None:
        YearConfig.objects.filter(pk=self.meeting.config_id).update(material_name=value)

    def pages(self) -> str:
        material_save(actor=self.principal, meeting=self.meeting, owner=None, text="一、初稿", base_version=0)
        material_save(actor=self.principal, meeting=self.meeting, owner=None, text="一、二稿", base_version=1)
        self.login("preparer")
        urls = [
            reverse("materials:list", args=[self.meeting.pk]),
            reverse("materials:edit", args=[self.meeting.pk, "team"]),
            reverse("materials:version", args=[self.meeting.pk, "team", 1]),
            reverse("materials:compare", args=[self.meeting.pk, "team"]),
        ]
        return [self.client.get(url).content.decode() for url in urls]

    def test_the_default_name_is_unchanged(self):
        for page in self.pages():
            self.assertIn("领导班子对照检查材料", page)

    def test_a_config_that_says_检视剖析材料_names_it_on_every_page(self):
        self.name("inspection")
        listing, edit, version, compare = self.pages()
        self.assertIn("<h1>检视剖析材料和发言提纲</h1>", listing)
        self.assertIn("<strong>领导班子检视剖析材料</strong>", listing)
        self.assertIn("<h1>领导班子检视剖析材料</h1>", edit)
        self.assertIn("← 检视剖析材料</a>", edit)
        self.assertIn("<h1>领导班子检视剖析材料 · ", version)
        self.assertIn("<h1>版本对照：领导班子检视剖析材料</h1>", compare)
        for page in (listing, edit, version, compare):
            title = page.split("<title>", 1)[1].split("</title>", 1)[0]
            self.assertIn("检视剖析材料", title)
            self.assertNotIn("对照检查材料", title)
