from django import forms
from django.conf import settings


class ReopenForm(forms.Form):
    reason = forms.CharField(label="撤销归档的原因", max_length=300, widget=forms.TextInput)


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
