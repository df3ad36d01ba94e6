from django.template import Context, Template
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from mingjing.lib.urls import record_url


class RecordUrlTest(SimpleTestCase):
    def test_the_address_of_each_record_is_the_one_reverse_gives(self) -> None:
        for name in ("opinions:opinion_edit", "rectification:item", "meetings:detail"):
            with self.subTest(name):
                url = record_url(name)
                for pk in (7, 10, 1234):
                    self.assertEqual(url.of(pk), reverse(name, args=[pk]))


urlpatterns = [
    path("other/<int:pk>/", lambda request, pk: None, name="other"),
    path("by/<str:slug>/", lambda request, slug: None, name="by"),
]


class RememberedUrlTagTest(SimpleTestCase):
    """`{% url %}` (lib/url_tag.py) remembers addresses: it must give what Django's tag gives, under
    whatever prefix the site is served and whatever URL configuration is in force."""

    def render(self, source: str, **context) -> str:
        return Template(source).render(Context(context))

    def test_the_address_is_the_one_reverse_gives(self) -> None:
        self.assertEqual(self.render("{% url 'meetings:detail' 5 %}"), reverse("meetings:detail", args=[5]))
        self.assertEqual(self.render("{% url 'meetings:detail' pk %}", pk=6), reverse("meetings:detail", args=[6]))
        self.assertEqual(self.render("{% url 'home' as a %}[{{ a }}]"), f"[{reverse('home')}]")

    def test_a_site_under_a_prefix_gets_its_prefix(self) -> None:
        plain = self.render("{% url 'meetings:detail' 5 %}")
        set_script_prefix("/mingjing/")
        self.addCleanup(set_script_prefix, "/")
        self.assertEqual(self.render("{% url 'meetings:detail' 5 %}"), "/mingjing" + plain)

    def test_another_url_configuration_is_followed(self) -> None:
        self.render("{% url 'meetings:detail' 5 %}")
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(self.render("{% url 'other' 5 %}"), "/other/5/")
            with self.assertRaises(NoReverseMatch):
                self.render("{% url 'meetings:detail' 5 %}")
        self.assertEqual(self.render("{% url 'meetings:detail' 5 %}"), reverse("meetings:detail", args=[5]))

    def test_an_unknown_name_fails_as_with_django_s_tag(self) -> None:
        with self.assertRaises(NoReverseMatch):
            self.render("{% url 'no-such-page' %}")
        self.assertEqual(self.render("{% url 'no-such-page' as a %}[{{ a }}]"), "[]")

    @override_settings(ROOT_URLCONF=__name__)
    def test_an_argument_that_is_not_plain_is_reversed_each_time(self) -> None:
        class Changing:
            label = "a"

            def __str__(self) -> str:
                return self.label

        arg = Changing()
        self.assertEqual(self.render("{% url 'by' arg %}", arg=arg), "/by/a/")
        arg.label = "b"
        self.assertEqual(self.render("{% url 'by' arg %}", arg=arg), "/by/b/")
