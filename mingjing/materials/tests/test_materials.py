import io
import json
import shutil
import tempfile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mingjing.materials.models import Material, MaterialVersion, Reason, ReviewEvent, Status, UploadedFile
from mingjing.materials.services import material_act, material_generate_skeleton, material_save
from mingjing.materials.text import blocks
from mingjing.meetings.models import RosterEntry, StepCompletion
from mingjing.meetings.services import meeting_step_sync
from mingjing.organizations.models import Person, TeamRole
from mingjing.problems.models import Cause, Measure, Problem
from mingjing.test import DEMO_DAY, BaseTestCase

JSON = {"HTTP_ACCEPT": "application/json"}


def docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class MaterialTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def url(self, slot, action=""):
        return f"/meetings/{self.meeting.pk}/materials/{slot}/" + (f"{action}/" if action else "")

    def material(self, owner):
        return Material.objects.get(meeting=self.meeting, owner=owner)

    def save(self, slot, text, base_version, base_revision=None, autosave=False):
        data = {"text": text, "base_version": base_version, "autosave": "1" if autosave else "0"}
        if base_revision is not None:
            data["base_revision"] = base_revision
        return self.client.post(self.url(slot, "save"), data, **JSON)

    def act(self, slot, action, comments=""):
        return self.client.post(self.url(slot, "review"), {"action": action, "comments": comments}, follow=True)


class DemoAndListTest(MaterialTestCase):
    def test_demo_has_the_team_skeleton_and_lihuas_submitted_outline(self):
        team = self.material(None)
        self.assertEqual(team.status, Status.DRAFT)
        self.assertEqual(team.versions.get().reason, Reason.SKELETON)
        outline = self.material(self.entry("李华"))
        self.assertEqual(outline.status, Status.SUBMITTED)
        self.login("member")
        page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn(f'href="/meetings/{self.meeting.pk}/materials/"', page)
        self.assertIn("对照检查材料", page)
        page = self.client.get(f"/meetings/{self.meeting.pk}/materials/").content.decode()
        self.assertIn("领导班子对照检查材料", page)
        self.assertIn("李华同志个人发言提纲", page)
        self.assertIn("已提交审核", page)
        self.assertIn("尚未撰写", page)  # 王芳, 赵强 and 张明's own outline

    def test_list_runs_a_fixed_number_of_queries(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/materials/"

        def grow(count):
            start = RosterEntry.objects.filter(meeting=self.meeting).count()
            for i in range(start, start + count):
                person = Person.objects.create(
                    organization=self.bureau, name=f"成员{i}", post="副局长", team_role=TeamRole.MEMBER
                )
                entry = RosterEntry.objects.create(
                    meeting=self.meeting, person=person, name=person.name, team_role=TeamRole.MEMBER, precedence=i
                )
                Material.objects.create(
                    meeting=self.meeting, owner=entry, kind="outline", last_saved_by=self.preparer, current_version=1
                )

        grow(2)
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.client.get(url).status_code, 200)
        grow(40)
        with self.assertNumQueries(len(small)):
            page = self.client.get(url).content.decode()
        self.assertIn("成员45同志个人发言提纲", page)


class ReviewFlowTest(MaterialTestCase):
    def test_member_writes_his_own_outline_only_and_not_while_submitted(self):
        lihua, wangfang = self.entry("李华"), self.entry("王芳")
        outline = self.material(lihua)
        self.login("member")
        # Another member's outline and the team's material are not his to write.
        self.assertEqual(self.save(wangfang.pk, "代写的提纲", 0).status_code, 403)
        self.assertEqual(self.save("team", "改班子材料", 1).status_code, 403)
        self.assertFalse(Material.objects.filter(owner=wangfang).exists())
        # His own, while submitted: refused, nothing written.
        response = self.save(lihua.pk, "提交后又改", outline.current_version)
        self.assertEqual(response.status_code, 400)
        self.assertIn("已提交审核", response.json()["message"])
        self.assertEqual(outline.versions.count(), 1)
        page = self.client.get(self.url(lihua.pk)).content.decode()
        self.assertNotIn('id="material-text"', page)  # read-only view
        self.assertIn("审核人退回后才能修改", page)

        # The principal returns it with comments; then he may edit again.
        self.login("principal")
        self.assertContains(self.act(lihua.pk, "return", "比如部分要写具体事例"), "已退回修改")
        self.login("member")
        page = self.client.get(self.url(lihua.pk)).content.decode()
        self.assertIn("比如部分要写具体事例", page)
        self.assertIn('id="material-text"', page)
        response = self.save(lihua.pk, "一、上年度整改落实情况\n修改后的提纲", 1)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["version"], 2)
        self.assertContains(self.act(lihua.pk, "submit"), "已提交审核")

        # Approving is the principal's, not the member's nor the preparer's.
        self.assertEqual(self.client.post(self.url(lihua.pk, "review"), {"action": "approve"}).status_code, 403)
        self.login("preparer")
        self.assertEqual(self.client.post(self.url(lihua.pk, "review"), {"action": "approve"}).status_code, 403)
        self.login("principal")
        self.assertContains(self.act(lihua.pk, "approve"), "审核通过")
        # The 督导组 reviews with comments; an empty comment is refused.
        self.login("supervisor")
        self.assertContains(self.act(lihua.pk, "review"), "请填写意见")
        self.assertContains(self.act(lihua.pk, "review", "剖析还不够深入"), "督导组已审阅")
        outline.refresh_from_db()
        self.assertEqual(outline.status, Status.REVIEWED)
        actions = list(ReviewEvent.objects.filter(material=outline).values_list("action", "actor_name"))
        self.assertEqual(
            actions,
            [("submit", "李华"), ("return", "张明"), ("submit", "李华"), ("approve", "张明"), ("review", "马骏")],
        )
        # Approved: no more edits before the meeting.
        self.login("member")
        response = self.save(lihua.pk, "再改", 2)
        self.assertIn("民主生活会召开后方可根据点评修改", response.json()["message"])

    def test_preparer_reads_but_never_writes_an_outline_and_helps_with_the_teams(self):
        lihua = self.entry("李华")
        self.login("preparer")
        self.assertContains(self.client.get(self.url(lihua.pk)), "李华同志个人发言提纲")
        self.assertEqual(self.save(lihua.pk, "代写", 1).status_code, 403)
        self.assertEqual(self.client.post(self.url(lihua.pk, "skeleton")).status_code, 403)
        team = self.material(None)
        response = self.save("team", "一、上年度整改落实情况\n办公室协助起草", team.current_version)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(team.versions.last().author_name, "黄蕾")
        # Only the principal submits the team's material.
        self.assertEqual(self.client.post(self.url("team", "review"), {"action": "submit"}).status_code, 403)

    def test_whole_flow_completes_the_examination_and_revision_steps(self):
        User = get_user_model()
        for name in ("王芳", "赵强"):
            user = User.objects.create(username=f"u-{name}", first_name=name)
            Person.objects.filter(organization=self.bureau, name=name).update(user=user)
        users = {e.name: e.person.user for e in self.meeting.roster.select_related("person__user")}
        principal = users["张明"]
        material_act(actor=principal, material=self.material(self.entry("李华")), action="approve")
        for name in ("张明", "王芳", "赵强"):
            material_generate_skeleton(actor=users[name], meeting=self.meeting, owner=self.entry(name))
            material_act(actor=users[name], material=self.material(self.entry(name)), action="submit")
        for name in ("王芳", "赵强"):
            material_act(actor=principal, material=self.material(self.entry(name)), action="approve")
        # The principal's own outline and the team's material are approved by the 督导组.
        with self.assertRaisesMessage(PermissionDenied, "此材料由督导组（上级组织部门）审核"):
            material_act(actor=principal, material=self.material(self.entry("张明")), action="approve")
        material_act(actor=self.supervisor, material=self.material(self.entry("张明")), action="approve")
        material_act(actor=principal, material=self.material(None), action="submit")
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="examination").exists())
        material_act(actor=self.supervisor, material=self.material(None), action="approve")
        self.assertTrue(StepCompletion.objects.filter(meeting=self.meeting, step="examination").exists())

        # After the meeting each owner revises: a new version, the approved one kept.
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=DEMO_DAY)  # as finalised minutes do
        team = self.material(None)
        approved_text = team.versions.get(number=team.current_version).text
        self.login("principal")
        response = self.save("team", approved_text + "\n根据督导组点评补充。", team.current_version, autosave=True)
        self.assertEqual(response.status_code, 200)
        team.refresh_from_db()
        self.assertEqual(team.status, Status.REVISED)
        self.assertEqual(team.versions.get(number=team.current_version).reason, Reason.REVISION)
        self.assertEqual(team.versions.get(number=team.current_version - 1).text, approved_text)
        for name in ("张明", "李华", "王芳"):
            material = self.material(self.entry(name))
            text = material.versions.get(number=material.current_version).text + "\n会后修改。"
            base = material.current_version
            material_save(actor=users[name], meeting=self.meeting, owner=material.owner, text=text, base_version=base)
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="revision").exists())
        material = self.material(self.entry("赵强"))
        base = material.current_version
        owner = material.owner
        material_save(actor=users["赵强"], meeting=self.meeting, owner=owner, text="会后修改稿", base_version=base)
        self.assertTrue(StepCompletion.objects.filter(meeting=self.meeting, step="revision").exists())
        self.assertEqual(ReviewEvent.objects.filter(material__meeting=self.meeting, action="revise").count(), 5)


class ConflictAndAutosaveTest(MaterialTestCase):
    def test_second_save_on_the_same_base_is_refused_and_both_texts_are_kept(self):
        team = self.material(None)
        base, rev = team.current_version, team.revision
        principal, preparer = self.client_class(), self.client_class()
        principal.force_login(self.principal)
        preparer.force_login(self.preparer)
        first = principal.post(
            self.url("team", "save"), {"text": "张明的文本", "base_version": base, "base_revision": rev}, **JSON
        )
        self.assertEqual(first.status_code, 200)
        second = preparer.post(
            self.url("team", "save"), {"text": "黄蕾的文本", "base_version": base, "base_revision": rev}, **JSON
        )
        self.assertEqual(second.status_code, 409)
        data = second.json()
        self.assertIn("已由张明于", data["message"])
        self.assertIn(f"您的文本已另存为第{data['conflict_version']}版（冲突稿），请对照后合并", data["message"])
        team.refresh_from_db()
        texts = dict(team.versions.values_list("text", "reason"))
        self.assertEqual(texts["张明的文本"], Reason.MANUAL)
        self.assertEqual(texts["黄蕾的文本"], Reason.CONFLICT)
        self.assertEqual(MaterialVersion.objects.get(material=team, number=team.current_version).text, "张明的文本")
        # The compare link shows both texts side by side.
        page = preparer.get(data["compare_url"]).content.decode()
        self.assertIn("<td><del>张明</del>的文本</td><td><ins>黄蕾</ins>的文本</td>", page)

    def test_an_autosave_refreshed_in_place_still_detects_a_stale_editor(self):
        team = self.material(None)
        self.login("principal")
        one = self.save("team", "草稿一", team.current_version, team.revision, autosave=True).json()
        two = self.save("team", "草稿一二", one["version"], one["revision"], autosave=True).json()
        self.assertEqual(one["version"], two["version"])  # refreshed in place, no new version
        self.assertIn("已自动保存", two["message"])
        self.assertEqual(team.versions.count(), 2)  # the skeleton and one autosave
        # An editor that saw the first autosave (same version number, older stamp) is refused.
        self.login("preparer")
        stale = self.save("team", "黄蕾基于旧稿", one["version"], one["revision"], autosave=True)
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(team.versions.filter(text="草稿一二").count(), 1)
        # A manual save always adds a version.
        self.login("principal")
        three = self.save("team", "草稿一二三", two["version"], two["revision"]).json()
        self.assertEqual(three["version"], two["version"] + 2)  # after the conflict copy

    def test_a_submitted_autosave_version_is_never_rewritten(self):
        lihua = self.entry("李华")
        self.login("principal")
        self.act(lihua.pk, "return", "请补充")
        self.login("member")
        outline = self.material(lihua)
        one = self.save(lihua.pk, "自动保存的稿", outline.current_version, autosave=True).json()
        self.act(lihua.pk, "submit")
        self.login("principal")
        self.act(lihua.pk, "return", "再改")
        self.login("member")
        self.save(lihua.pk, "退回后又改", one["version"], autosave=True)
        self.assertTrue(outline.versions.filter(text="自动保存的稿").exists())


class UploadTest(MaterialTestCase):
    def build(self, document):
        document.add_heading("对照检查材料", level=1)
        document.add_paragraph("一、上年度整改落实情况")
        document.add_paragraph("（一）带头强化政治忠诚方面")
        document.add_paragraph("一是学习不深。比如，某次学习只读了原文。")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "问题"
        table.cell(0, 1).text = "措施"
        table.cell(1, 0).text = "调研不够"
        table.cell(1, 1).text = "每月调研"

    def test_docx_round_trip(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        content = docx_bytes(self.build)
        self.login("principal")
        upload = SimpleUploadedFile("班子材料（初稿）.docx", content, content_type="application/octet-stream")
        response = self.client.post(self.url("team", "upload"), {"file": upload}, follow=True)
        self.assertContains(response, "已上传“班子材料（初稿）.docx”")
        stored = UploadedFile.objects.get()
        self.assertEqual(stored.size, len(content))
        self.assertEqual(len(stored.sha256), 64)
        self.assertEqual(stored.version.reason, Reason.UPLOAD)
        text = stored.version.text
        self.assertEqual(
            text.splitlines(),
            [
                "# 对照检查材料",
                "一、上年度整改落实情况",
                "（一）带头强化政治忠诚方面",
                "一是学习不深。比如，某次学习只读了原文。",
                "问题",
                "措施",
                "调研不够",
                "每月调研",
            ],
        )
        kinds = [(b.kind, b.level) for b in blocks(text)][:4]
        self.assertEqual(kinds, [("heading", 1), ("heading", 1), ("heading", 2), ("paragraph", 0)])
        # The editor now shows the extracted text; the file downloads as an attachment only.
        self.assertContains(self.client.get(self.url("team")), "一是学习不深")
        download = self.client.get(f"/material-files/{stored.pk}/")
        self.assertEqual(download.status_code, 200)
        self.assertTrue(download["Content-Disposition"].startswith("attachment;"))
        self.assertIn("filename*=UTF-8''", download["Content-Disposition"])
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        self.assertEqual(download.content, content)
        self.login("outsider")
        self.assertEqual(self.client.get(f"/material-files/{stored.pk}/").status_code, 404)

    def test_exe_renamed_docx_and_oversized_files_are_refused_in_chinese(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login("principal")
        fake = SimpleUploadedFile("材料.docx", b"MZ\x90\x00" + b"\x00" * 200)
        response = self.client.post(self.url("team", "upload"), {"file": fake}, follow=True)
        self.assertContains(response, "文件“材料.docx”不是有效的Word文档（.docx）")
        doc = SimpleUploadedFile("材料.doc", b"\xd0\xcf\x11\xe0")
        response = self.client.post(self.url("team", "upload"), {"file": doc}, follow=True)
        self.assertContains(response, "只接受 .docx 格式")
        with self.settings(MAX_IMPORT_BYTES=10_000):
            big = SimpleUploadedFile("大文件.docx", docx_bytes(self.build) + b"\x00" * 20_000)
            response = self.client.post(self.url("team", "upload"), {"file": big}, follow=True)
        self.assertContains(response, "文件“大文件.docx”大小为")
        self.assertContains(response, "超过上限")
        self.assertFalse(UploadedFile.objects.exists())
        self.assertEqual(self.material(None).versions.count(), 1)


class SkeletonTest(MaterialTestCase):
    def test_skeleton_from_records_with_examples_and_missing_facts(self):
        aspects = list(self.meeting.config.aspects.order_by("order"))
        # Whatever the problems app's demo adds, plus problems of our own.
        Problem.objects.create(
            meeting=self.meeting,
            aspect=aspects[0],
            description="政治理论学习不够系统深入",
            example="今年中心组学习有3次以传达文件代替研讨",
            order=90,
        )
        Problem.objects.create(meeting=self.meeting, aspect=aspects[1], description="党性锻炼有所放松", order=91)
        Cause.objects.create(meeting=self.meeting, heading="理想信念有所松懈", text="对党性修养的自觉性不够。")
        Measure.objects.create(meeting=self.meeting, heading="强化理论武装", text="每月开展一次专题研讨。", order=90)
        self.login("principal")
        response = self.client.post(self.url("team", "skeleton"), follow=True)
        self.assertContains(response, "材料已有内容：如需重新生成，请勾选“替换现有文本”")
        response = self.client.post(self.url("team", "skeleton"), {"replace": "1"}, follow=True)
        self.assertContains(response, "已依据记录生成框架")
        team = self.material(None)
        text = team.versions.get(number=team.current_version).text
        self.assertEqual(team.versions.get(number=team.current_version).reason, Reason.SKELETON)
        self.assertTrue(team.versions.filter(number=1).exists())  # the replaced draft is kept
        lines = text.splitlines()
        sections = ["一、上年度整改落实情况", "二、检视查摆问题", "三、原因剖析", "四、努力方向和整改措施"]
        for heading in [*sections, "五、典型案例剖析"]:
            self.assertIn(heading, lines)
        self.assertIn("（一）带头强化政治忠诚、提高政治能力方面", lines)
        self.assertIn("（五）带头坚决扛起管党治党责任方面", lines)
        for p in Problem.objects.filter(meeting=self.meeting, member=None):
            self.assertIn(p.description.rstrip("。"), text)
            if p.example.strip():
                self.assertIn(p.example.strip().rstrip("。"), text)
        self.assertIn("政治理论学习不够系统深入。比如，今年中心组学习有3次以传达文件代替研讨。", text)
        self.assertRegex(text, r"[一二三四五六七八九十]+是党性锻炼有所放松。比如，【待补充】")
        self.assertIn("理想信念有所松懈。对党性修养的自觉性不够。", text)
        self.assertIn("强化理论武装。每月开展一次专题研讨。", text)
        self.assertIn("【待补充】", text)
        # A member's outline holds only his own problems.
        lihua = self.entry("李华")
        Problem.objects.create(meeting=self.meeting, member=lihua, aspect=aspects[0], description="李华的问题")
        self.login("principal")
        self.act(lihua.pk, "return", "重写")
        self.login("member")
        self.client.post(self.url(lihua.pk, "skeleton"), {"replace": "1"})
        outline = self.material(lihua)
        outline_text = outline.versions.get(number=outline.current_version).text
        self.assertIn("一是李华的问题。比如，【待补充】", outline_text)
        self.assertNotIn("政治理论学习不够系统深入", outline_text)

    def test_no_case_analysis_when_the_year_does_not_require_it(self):
        config = self.meeting.config
        config.requires_case_analysis = False
        config.save()
        self.login("principal")
        self.client.post(self.url("team", "skeleton"), {"replace": "1"})
        team = self.material(None)
        self.assertNotIn("典型案例剖析", team.versions.get(number=team.current_version).text)


class CompareTest(MaterialTestCase):
    def test_compare_page_shows_both_versions_with_changes_marked(self):
        team = self.material(None)
        self.login("principal")
        data = self.save("team", "一、第一部分\n保留的段落\n旧的说法", team.current_version).json()
        self.save("team", "一、第一部分\n保留的段落\n新的说法\n增加的段落", data["version"])
        self.login("member")
        page = self.client.get(self.url("team", "compare") + "?a=2&b=3").content.decode()
        self.assertIn("<del>旧</del>", page)
        self.assertIn("<ins>新</ins>", page)
        self.assertIn("<ins>增加的段落</ins>", page)
        self.assertIn("保留的段落", page)
        page = self.client.get(self.url("team", "versions/2")).content.decode()
        self.assertIn("旧的说法", page)
        self.assertEqual(self.client.get(self.url("team", "versions/99")).status_code, 404)
        self.assertEqual(self.client.get(self.url("team", "compare") + "?a=1&b=99").status_code, 404)

    def test_history_lines_read_in_chinese(self):
        self.login("principal")
        self.save("team", "一、新稿", 1)
        page = self.client.get(self.url("team")).content.decode()
        self.assertIn("保存了领导班子对照检查材料第2版（手动保存）", page)
        self.assertIn("依据记录生成了领导班子对照检查材料框架（第1版）", page)
        self.assertEqual(json.loads(self.save("team", "一、新稿", 2).content)["message"], "内容没有变化")


class CarryOverTest(MaterialTestCase):
    def test_last_years_ledger_fills_the_first_section(self):
        from mingjing.rectification.selectors import carry_over

        data = carry_over(self.meeting)
        team_lines = [line for line in data.lines if line.item.owner_id is None]
        self.login("principal")
        self.client.post(self.url("team", "skeleton"), {"replace": "1"})
        team = self.material(None)
        text = team.versions.get(number=team.current_version).text
        section = text.split("一、上年度整改落实情况\n", 1)[1].split("\n二、检视查摆问题", 1)[0].splitlines()
        if not team_lines:
            self.assertEqual(section, ["【待补充】"])
            return
        self.assertEqual(section[0], f"针对{data.summary}")
        self.assertEqual(len(section), 1 + len(team_lines))
        first = " ".join(team_lines[0].item.problem_text.split()).rstrip("。；;")
        self.assertIn(f"一是关于“{first}”的问题，目前{team_lines[0].state_label}。整改成效：【待补充】", section[1])

    def test_archived_meeting_is_read_only(self):
        from mingjing.meetings.models import Meeting

        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)
        self.login("principal")
        self.assertEqual(self.save("team", "归档后修改", 1).status_code, 403)
        page = self.client.get(self.url("team")).content.decode()
        self.assertNotIn('id="material-text"', page)
