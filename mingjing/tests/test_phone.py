"""Phones: every page a member or principal uses fits 375 px without scrolling sideways.

Wide tables scroll inside their own box (or reflow), the top menu collapses behind a 菜单 button.
"""

from __future__ import annotations

from mingjing.lib.browser import BrowserTestCase
from mingjing.rectification.models import RectificationItem

PHONE = {"width": 375, "height": 740}

# The widest elements that stick out, to name in a failure.
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') { inside = true; break; }
      }
      const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
      if (!inside) out.push(name + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""


class PhoneWidthTest(BrowserTestCase):
    def phone_page(self, username: str):
        page = self.new_page()
        page.set_viewport_size(PHONE)
        self.login(page, username)
        return page

    def assert_fits(self, page, path: str, name: str) -> None:
        response = page.goto(path)
        self.assertEqual(response.status, 200, path)
        page.wait_for_load_state("networkidle")  # the top bar's counts arrive after the page
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.screenshot(page, f"phone-{name}")
        wide = page.evaluate(OVERFLOW_JS) if width > PHONE["width"] else []
        self.assertLessEqual(width, PHONE["width"], f"{path} 在375像素宽的手机上需要横向滚动：{wide}")

    def test_member_pages_fit_a_phone(self) -> None:
        entry = self.meeting.roster.get(name="李华")
        item = RectificationItem.objects.filter(owner__person=entry.person).order_by("pk").first()
        self.assertIsNotNone(item, "演示数据中李华应有整改事项")
        page = self.phone_page("demo-member")
        pages = {
            "home": "/",
            "todo": "/todo/",
            "reminders": "/reminders/",
            "reminder-settings": "/reminders/settings/",
            "my-rectification": "/my/rectification/",
            "item": f"/rectification/{item.pk}/",
            "feedback": f"/meetings/{self.meeting.pk}/opinions/feedback/{entry.pk}/",
            "outline": f"/meetings/{self.meeting.pk}/materials/{entry.pk}/",
            "meeting": f"/meetings/{self.meeting.pk}/",
        }
        for name, path in pages.items():
            with self.subTest(name):
                self.assert_fits(page, path, f"member-{name}")

    def test_principal_pages_fit_a_phone(self) -> None:
        member = self.meeting.roster.get(name="李华")
        page = self.phone_page("demo-principal")
        pages = {
            "home": "/",
            "todo": "/todo/",
            "review-outline": f"/meetings/{self.meeting.pk}/materials/{member.pk}/",
            "team-material": f"/meetings/{self.meeting.pk}/materials/team/",
            "materials": f"/meetings/{self.meeting.pk}/materials/",
            "ledger": f"/meetings/{self.meeting.pk}/rectification/",
            "my-rectification": "/my/rectification/",
        }
        for name, path in pages.items():
            with self.subTest(name):
                self.assert_fits(page, path, f"principal-{name}")

    def test_the_menu_collapses_and_opens(self) -> None:
        from playwright.sync_api import expect

        page = self.phone_page("demo-member")
        nav = page.locator("header.top nav")
        expect(nav).to_be_hidden()
        page.get_by_text("菜单", exact=True).click()
        expect(nav).to_be_visible()
        nav.get_by_role("link", name="我的整改").click()
        page.wait_for_url("**/my/rectification/")


class TopBarCountTest(BrowserTestCase):
    def test_home_page_counts_its_todos_once(self) -> None:
        """The home page lists the to-dos: the top bar takes their count from it, no second request."""
        from playwright.sync_api import expect

        page = self.new_page()
        self.login(page, "demo-principal")
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto("/")
        page.wait_for_load_state("networkidle")
        listed = page.locator("section.todo li").count()
        self.assertGreater(listed, 0)
        expect(page.locator("#todo-count .badge")).to_have_text(str(listed))
        self.assertFalse([u for u in asked if "/todo/count/" in u], asked)
        self.assertTrue([u for u in asked if "/reminders/count/" in u], asked)
        # Elsewhere the count is fetched after the page.
        page.goto("/my/rectification/")
        expect(page.locator("#todo-count .badge")).to_have_text(str(listed))
        self.assertTrue([u for u in asked if "/todo/count/" in u], asked)
