from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Case, IntegerField, Value, When

from mingjing.lib.forms import DateInput
from mingjing.lib.limits import limit_field, limit_form
from mingjing.lib.pagination import search_q
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.opinions.models import (
    Audience,
    BallotCode,
    Campaign,
    CampaignStateChange,
    CampaignUnit,
    Channel,
    Opinion,
    OpinionItem,
    SourceKind,
)
from mingjing.opinions.selectors import TEAM, targets_for_meeting
from mingjing.opinions.services import MAX_BALLOTS, MAX_TEXT, PublicEntry
from mingjing.yearconfigs.models import Aspect
from mingjing.yearconfigs.selectors import active_aspects


class TargetField(forms.ChoiceField):
    """领导班子 or one member of the meeting's frozen roster; cleans to a RosterEntry or None."""

    def __init__(self, *, meeting: Meeting, **kwargs):
        kwargs.setdefault("label", "对象")
        super().__init__(choices=targets_for_meeting(meeting=meeting), **kwargs)
        self.meeting = meeting

    def prepare_value(self, value):
        if value is None:
            return TEAM
        if isinstance(value, RosterEntry):
            return str(value.pk)
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in ("", TEAM):
            return None
        return RosterEntry.objects.get(meeting=self.meeting, pk=int(value))


class AspectChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Aspect) -> str:
        return f"{obj.order}. {obj.title}" + ("（已停用）" if obj.retired else "")


def aspect_field(meeting: Meeting, initial: dict) -> AspectChoice:
    """The aspects offered for a new record, and the one the record being edited already has."""
    return AspectChoice(
        label="方面",
        queryset=active_aspects(meeting.config_id, keep=initial.get("aspect")),
        required=False,
        empty_label="（未归入方面）",
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200, initial="征求对领导班子和班子成员的意见建议")
    channels = forms.MultipleChoiceField(
        label="征求渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    opens_on = forms.DateField(label="开始日期", widget=DateInput())
    closes_on = forms.DateField(label="截止日期", widget=DateInput())
    online_enabled = forms.BooleanField(label="开放网上匿名填写（二维码）", required=False, initial=True)
    audience = forms.ChoiceField(
        label="网上填写对象", choices=Audience.choices, initial=Audience.GROUP, widget=forms.RadioSelect, required=False
    )
    requires_ballot = forms.BooleanField(
        label="须凭一次性填写码提交",
        required=False,
        initial=True,
        help_text="向特定范围征求时默认启用，每人一码、用过作废，经办人也不能多次提交；填写码在“填写码”页生成。"
        "收到网上意见后不能再取消",
    )
    min_responses_shown = forms.IntegerField(
        label="显示门槛（条）",
        min_value=1,
        max_value=100,
        initial=5,
        help_text="网上匿名意见在征求结束后才显示，且对某一对象的匿名意见不少于此数时才显示；收到网上意见后只能提高",
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, Campaign)

    def clean_audience(self) -> str:
        """Not sent: what the campaign had (or, for a new one, a closed group)."""
        return self.cleaned_data.get("audience") or self.initial.get("audience") or Audience.GROUP


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=200)
    source_kind = forms.ChoiceField(label="类别", choices=SourceKind.choices)
    sent_on = forms.DateField(label="发出日期", widget=DateInput(), required=False)
    forms_sent = forms.IntegerField(label="发出份数", min_value=0, required=False)
    forms_returned = forms.IntegerField(label="收回份数", min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, CampaignUnit)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="结束日期", widget=DateInput())


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新开放的原因")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, CampaignStateChange)


class OpinionForm(forms.Form):
    text = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 4}))
    target = forms.ChoiceField(label="对象")  # replaced in __init__
    aspect = forms.ModelChoiceField(label="方面", queryset=Aspect.objects.none(), required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.PAPER)
    source_kind = forms.ChoiceField(label="来源", choices=[("", "（未注明）"), *SourceKind.choices], required=False)
    received_on = forms.DateField(label="收到日期", widget=DateInput())

    def __init__(self, *args, meeting: Meeting, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = TargetField(meeting=meeting)
        self.fields["aspect"] = aspect_field(meeting, self.initial)
        limit_form(self, Opinion)
        if online:  # an anonymous response: only the aspect it is filed under may change
            for name in ("text", "target", "channel", "source_kind", "received_on"):
                del self.fields[name]


class ImportForm(forms.Form):
    file = forms.FileField(label="意见表（.xlsx）")

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"文件超过{settings.MAX_IMPORT_BYTES // (1024 * 1024)}MB，请拆分后分批上传")
        return file


class BallotForm(forms.Form):
    count = forms.IntegerField(label="生成个数", min_value=1, max_value=MAX_BALLOTS, initial=20)
    group = forms.CharField(label="发放范围", required=False, help_text="如“机关第一党支部党员”；不要登记具体发给谁")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, BallotCode)


OPINIONS_SHOWN = 100  # opinions offered on the grouping form at once; the rest through its search


class ItemForm(forms.Form):
    aspect = forms.ModelChoiceField(label="方面", queryset=Aspect.objects.none(), required=False)
    target = forms.ChoiceField(label="对象")
    text = forms.CharField(label="归纳后的意见", widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(label="序号", min_value=0, required=False, help_text="留空则排在最后")
    opinions = forms.ModelMultipleChoiceField(
        label="归入的意见", queryset=Opinion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, campaign: Campaign, opinions, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        meeting = campaign.meeting
        self.fields["aspect"] = aspect_field(meeting, self.initial)
        self.fields["target"] = TargetField(meeting=meeting)
        limit_form(self, OpinionItem)
        self.fields["opinions"].queryset = opinions
        self.fields["opinions"].label_from_instance = _opinion_choice_label
        self._offer_opinions(search)

    def _offer_opinions(self, search: str) -> None:
        """Render the item's own (or ticked) opinions and at most OPINIONS_SHOWN others, those not yet
        grouped first (or those containing `search`); any opinion of the campaign stays valid when posted."""
        field = self.fields["opinions"]
        chosen = {str(o.pk if hasattr(o, "pk") else o) for o in self.initial.get("opinions") or []}
        if self.is_bound:
            chosen |= {v for v in self.data.getlist(self.add_prefix("opinions")) if str(v).isdigit()}
        chosen_ids = sorted(int(v) for v in chosen)
        offered = field.queryset.exclude(pk__in=chosen_ids)
        if search:
            offered = offered.filter(search_q(search, ["text"]))
        ungrouped_first = Case(When(item__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        offered = list(offered.annotate(grouped=ungrouped_first).order_by("grouped", "id")[: OPINIONS_SHOWN + 1])
        self.more_opinions = len(offered) > OPINIONS_SHOWN
        ticked = list(field.queryset.filter(pk__in=chosen_ids).order_by("id")) if chosen_ids else []
        self.opinion_search = search
        field.widget.choices = [(o.pk, field.label_from_instance(o)) for o in [*ticked, *offered[:OPINIONS_SHOWN]]]


def _opinion_choice_label(opinion: Opinion) -> str:
    target = opinion.target.name if opinion.target_id else "领导班子"
    aspect = f" · 方面{opinion.aspect.order}" if opinion.aspect_id else ""
    grouped = f"（已归入第{opinion.item.order}项）" if opinion.item_id else ""
    return f"[{target}{aspect}] {opinion.text}{grouped}"


class FilterForm(forms.Form):
    target = forms.ChoiceField(label="对象", required=False)
    aspect = forms.ChoiceField(label="方面", required=False)
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部"), *Channel.choices])
    q = forms.CharField(label="意见内容包含", required=False, max_length=100)

    def __init__(self, *args, meeting: Meeting, aspects: list[Aspect], targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "全部"), *targets]
        self.fields["aspect"].choices = [
            ("", "全部"),
            *((str(a.pk), f"{a.order}. {a.title}") for a in aspects),
            ("none", "未归入方面"),
        ]


class PublicForm(forms.Form):
    """The anonymous form: one text box per target (the team, then each member), each with an
    aspect; a ballot code when the campaign requires one."""

    def __init__(self, *args, campaign: Campaign, roster: list[RosterEntry], aspects: list[Aspect], **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.targets: list[tuple[str, RosterEntry | None, str]] = [(TEAM, None, "对领导班子的意见建议")]
        self.targets += [(str(e.pk), e, f"对{e.name}同志的意见建议") for e in roster]
        self.aspect_by_id = {str(a.pk): a for a in aspects}
        aspect_choices = [("", "（不确定）"), *((str(a.pk), f"{a.order}. {a.title}") for a in aspects)]
        for key, _, _label in self.targets:
            text = forms.CharField(label="意见建议", required=False, widget=forms.Textarea(attrs={"rows": 4}))
            limit_field(text, MAX_TEXT)  # "意见建议最多2000字（现有2345字）", and "最多2000字" beside the box
            self.fields[f"text_{key}"] = text
            self.fields[f"aspect_{key}"] = forms.ChoiceField(label="涉及方面", required=False, choices=aspect_choices)
        if campaign.requires_ballot:
            self.fields["ballot_code"] = forms.CharField(
                label="填写码",
                max_length=40,
                help_text="发给您的一次性填写码，如 ABCDE-FGHJK",
                error_messages={"required": "请填写发给您的一次性填写码"},
            )

    def blocks(self):
        for key, _entry, label in self.targets:
            yield {"key": key, "label": label, "text": self[f"text_{key}"], "aspect": self[f"aspect_{key}"]}

    def entries(self) -> list[PublicEntry]:
        data = self.cleaned_data
        return [
            PublicEntry(target=entry, aspect=self.aspect_by_id.get(data.get(f"aspect_{key}") or ""), text=text)
            for key, entry, _ in self.targets
            if (text := (data.get(f"text_{key}") or "").strip())
        ]
