from mingjing.audit.models import AuditEvent
from mingjing.organizations.models import Organization, Person
from mingjing.test import BaseTestCase


class UnitTreeTest(BaseTestCase):
    def test_admin_adds_a_unit_below_and_the_superior_sees_it(self):
        self.login("admin")
        response = self.client.post(
            f"/units/{self.bureau.pk}/units/new/",
            {
                "kind": "general_branch",
                "name": "中共明远市农业农村局机关总支部委员会",
                "short_name": "局机关党总支",
                "addressees": "",
                "doc_number_prefix": "",
            },
        )
        child = Organization.objects.get(short_name="局机关党总支")
        self.assertRedirects(response, f"/units/{child.pk}/")
        self.assertEqual(child.parent, self.bureau)
        self.assertEqual(child.path, f"{self.bureau.path}{child.pk}/")
        self.login("superior")
        self.assertContains(self.client.get("/units/"), "中共明远市农业农村局机关总支部委员会")
        self.login("outsider")
        self.assertEqual(self.client.get(f"/units/{child.pk}/").status_code, 404)
        self.assertNotContains(self.client.get("/units/"), "局机关党总支")

    def test_unit_fields_show_on_the_page_and_missing_ones_are_marked(self):
        self.login("member")
        page = self.client.get(f"/units/{self.bureau.pk}/").content.decode()
        self.assertIn("市纪委监委、市委组织部", page)
        self.assertIn("明农党组", page)
        self.login("outsider")
        self.assertContains(self.client.get(f"/units/{self.outsider_unit.pk}/"), "明教党组")


class PeopleTest(BaseTestCase):
    def test_preparer_adds_a_person_with_divisions_and_branch(self):
        self.login("preparer")
        divisions = list(self.bureau.divisions.filter(name__in=["办公室", "人事科"]))
        branch = self.bureau.branches.get(name="机关第二党支部")
        response = self.client.post(
            f"/units/{self.bureau.pk}/people/new/",
            {
                "name": "刘洋",
                "post": "局党组成员、总农艺师",
                "team_role": "member",
                "precedence": 5,
                "supervised_divisions": [d.pk for d in divisions],
                "heads_division": "",
                "branch": branch.pk,
                "is_active": "on",
            },
        )
        self.assertRedirects(response, f"/units/{self.bureau.pk}/")
        person = Person.objects.get(name="刘洋")
        self.assertEqual(sorted(d.name for d in person.supervised_divisions.all()), ["人事科", "办公室"])
        self.assertContains(self.client.get(f"/units/{self.bureau.pk}/"), "局党组成员、总农艺师")

    def test_duplicate_name_is_refused_on_the_name_field(self):
        self.login("preparer")
        response = self.client.post(
            f"/units/{self.bureau.pk}/people/new/",
            {
                "name": "张明",
                "post": "",
                "team_role": "none",
                "precedence": 0,
                "is_active": "on",
            },
        )
        self.assertContains(response, "姓名：本单位已有同名人员")
        self.assertEqual(Person.objects.filter(organization=self.bureau, name="张明").count(), 1)

    def test_editing_a_person_is_in_his_history(self):
        person = Person.objects.get(organization=self.bureau, name="王芳")
        self.login("preparer")
        self.client.post(
            f"/units/people/{person.pk}/edit/",
            {
                "name": "王芳",
                "post": "局党组副书记、副局长",
                "team_role": "member",
                "precedence": 2,
                "supervised_divisions": [d.pk for d in person.supervised_divisions.all()],
                "heads_division": "",
                "branch": person.branch_id,
                "is_active": "on",
            },
        )
        page = self.client.get(f"/units/people/{person.pk}/").content.decode()
        self.assertIn("将职务由“局党组成员、副局长”改为“局党组副书记、副局长”", page)
        self.assertIn("将班子排序由“3”改为“2”", page)

    def test_divisions_of_another_unit_cannot_be_linked(self):
        from django.core.exceptions import ValidationError

        from mingjing.organizations.services import division_create, person_create

        foreign = division_create(actor=None, organization=self.outsider_unit, name="基础教育科")
        with self.assertRaisesMessage(ValidationError, "分管科室必须是本单位的科室"):
            person_create(actor=None, organization=self.bureau, name="测试", supervised_divisions=[foreign])

    def test_division_and_branch_are_added_and_renamed(self):
        self.login("preparer")
        self.client.post(f"/units/{self.bureau.pk}/divisions/new/", {"division-name": "法规科", "division-order": 9})
        division = self.bureau.divisions.get(name="法规科")
        self.client.post(f"/units/divisions/{division.pk}/edit/", {"name": "政策法规科", "order": 9})
        division.refresh_from_db()
        self.assertEqual(division.name, "政策法规科")
        self.client.post(f"/units/{self.bureau.pk}/divisions/new/", {"division-name": "政策法规科"})
        self.assertEqual(self.bureau.divisions.filter(name="政策法规科").count(), 1)
        self.client.post(f"/units/{self.bureau.pk}/branches/new/", {"branch-name": "离退休党支部"})
        self.assertTrue(self.bureau.branches.filter(name="离退休党支部").exists())
        self.assertTrue(AuditEvent.objects.filter(object_id=division.pk, event_type="updated").exists())
