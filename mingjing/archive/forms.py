from django import forms
from django.conf import settings


class ReopenForm(forms.Form):
    reason = forms.CharField(label="撤销归档的原因", max_length=300, widget=forms.TextInput)


class ArchiveConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="我已核对以上清单，确认归档", error_messages={"required": "请勾选“确认归档”：归档后会议材料只读"}
    )


class BundleUploadForm(forms.Form):
    file = forms.FileField(label="会议数据包（.zip）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "MINGJING_MAX_BUNDLE_BYTES", 200 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）")
        if not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError("请选择 .zip 格式的会议数据包")
        return upload
