"""A member's outline is his draft until the meeting is held (issue 9): before the 召开民主生活会
step is done, only he, the principal, the preparer/admin and the 督导组 (the superior) read it — in
the editor, its versions, the compare page, an uploaded .docx, and the 个人发言提纲 preview and
downloads. After the meeting everyone who reads the meeting reads it. The team's material stays
readable by everyone who reads the meeting."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from mingjing.materials.models import Material, UploadedFile
from mingjing.materials.services import material_act, material_save, material_upload
from mingjing.materials.tests.permissions import docx_bytes
from mingjing.materials.tests.test_materials import MaterialTestCase
from mingjing.meetings.services import meeting_step_sync
from mingjing.test import DEMO_DAY, BaseTestCase

DRAFT = "一、上年度整改落实情况\n（一）带头强化政治忠诚方面\n一是张明会前草稿中的问题。比如，草稿事例。"


class PrincipalsOutlineBeforeTheMeetingTest(MaterialTestCase):
    def setUp(self):
        super().setUp()
        self.zhang = self.meeting.roster.get(name="张明")
        material_save(actor=self.principal, meeting=self.meeting, owner=self.zhang, text="初稿", base_version=0)
        material_save(actor=self.principal, meeting=self.meeting, owner=self.zhang, text=DRAFT, base_version=1)
        self.upload = material_upload(
            actor=self.principal,
            meeting=self.meeting,
            owner=self.zhang,
            name="张明发言提纲.docx",
            content=docx_bytes("一、上年度整改落实情况", "张明会前草稿中的问题。"),
        )
        material_save(actor=self.principal, meeting=self.meeting, owner=self.zhang, text=DRAFT, base_version=3)

    def urls(self) -> dict[str, str]:
        m, slot = self.meeting.pk, self.zhang.pk
        documents = f"/meetings/{m}/documents/member-outline"
        return {
            "editor": f"/meetings/{m}/materials/{slot}/",
            "version": f"/meetings/{m}/materials/{slot}/versions/2/",
            "compare": f"/meetings/{m}/materials/{slot}/compare/?a=1&b=2",
            "file": f"/material-files/{self.upload.pk}/",
            "preview": f"{documents}/?member={slot}",
            "docx": f"{documents}/download/?format=docx&member={slot}",
            "pdf": f"{documents}/download/?format=pdf&member={slot}",
        }

    def statuses(self, persona: str, *, skip: tuple[str, ...] = ()) -> dict[str, int]:
        self.login(persona)
        return {name: self.client.get(url).status_code for name, url in self.urls().items() if name not in skip}

    def test_a_member_reads_nothing_of_the_principals_outline_before_the_meeting(self):
        refused = self.statuses("member")
        self.assertEqual(refused, dict.fromkeys(self.urls(), 403))
        response = self.client.get(self.urls()["editor"])
        self.assertNotIn("会前草稿", response.content.decode())
        self.assertIn("会前只有本人、主要负责同志、党务工作人员和督导组可以查看", response.content.decode())
        # The lists neither link to it nor offer its document.
        page = self.client.get(f"/meetings/{self.meeting.pk}/materials/").content.decode()
        self.assertNotIn(f"/materials/{self.zhang.pk}/", page)
        self.assertIn(f"/meetings/{self.meeting.pk}/materials/team/", page)
        documents = self.client.get(f"/meetings/{self.meeting.pk}/documents/").content.decode()
        self.assertNotIn(f"member-outline/?member={self.zhang.pk}", documents)
        lihua = self.meeting.roster.get(name="李华")
        self.assertIn(f"member-outline/?member={lihua.pk}", documents)  # his own

    def test_the_principal_the_preparer_and_the_reviewers_read_it(self):
        for persona in ("principal", "preparer", "admin", "supervisor", "superior"):
            with self.subTest(persona):
                # The PDF takes LibreOffice: converted once, in the test after the meeting.
                self.assertEqual(self.statuses(persona, skip=("pdf",)), dict.fromkeys(set(self.urls()) - {"pdf"}, 200))

    def test_after_the_meeting_everyone_who_reads_the_meeting_reads_it(self):
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=DEMO_DAY)  # as finalised minutes do
        self.assertEqual(self.statuses("member"), dict.fromkeys(self.urls(), 200))
        self.assertContains(self.client.get(self.urls()["editor"]), "会前草稿中的问题")

    def test_the_teams_material_stays_readable_by_every_reader(self):
        self.login("member")
        team = Material.objects.get(meeting=self.meeting, owner=None)
        m = self.meeting.pk
        for url in (
            f"/meetings/{m}/materials/team/",
            f"/meetings/{m}/materials/team/versions/{team.current_version}/",
            f"/meetings/{m}/materials/team/compare/",
            f"/meetings/{m}/documents/team-examination/",
            f"/meetings/{m}/documents/team-examination/download/?format=docx",
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)


class MaterialServicesAskThePolicyTest(BaseTestCase):
    """The services answer like the pages whoever calls them (a page, the CLI, an import)."""

    def test_a_member_actor_cannot_write_submit_or_approve_anothers_outline(self):
        zhang, wang = self.meeting.roster.get(name="张明"), self.meeting.roster.get(name="王芳")
        with self.assertRaisesMessage(PermissionDenied, "发言提纲只能由本人撰写"):
            material_save(actor=self.member, meeting=self.meeting, owner=wang, text="代写", base_version=0)
        self.assertFalse(Material.objects.filter(meeting=self.meeting, owner=wang).exists())
        material_save(actor=self.principal, meeting=self.meeting, owner=zhang, text="张明的提纲", base_version=0)
        outline = Material.objects.get(meeting=self.meeting, owner=zhang)
        with self.assertRaises(PermissionDenied):
            material_act(actor=self.member, material=outline, action="submit")
        material_act(actor=self.principal, material=outline, action="submit")
        for action in ("approve", "return"):
            with self.subTest(action), self.assertRaisesMessage(PermissionDenied, "此材料由督导组（上级组织部门）审核"):
                material_act(actor=self.member, material=outline, action=action, comments="意见")
        with self.assertRaisesMessage(PermissionDenied, "只有督导组或上级组织部门"):
            material_act(actor=self.member, material=outline, action="review", comments="意见")
        outline.refresh_from_db()
        self.assertEqual(outline.status, "submitted")
        self.assertFalse(UploadedFile.objects.exists())
