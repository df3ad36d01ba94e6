from __future__ import annotations

from django import forms

from mingjing.lib.limits import limit_form
from mingjing.materials.models import CaseStudy


class CaseStudyForm(forms.Form):
    case_name = forms.CharField(label="典型案例", help_text="如“某县农业农村局原局长某某严重违纪违法案”")
    lessons = forms.CharField(
        label="剖析和警示",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="以案为鉴，班子从中汲取的教训",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, CaseStudy)
