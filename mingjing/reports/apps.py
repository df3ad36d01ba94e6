from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The 情况报告 and the 整改落实情况报告: documents written from every other app's records.

    One model (MeetingOutcome: the meeting's 成效); `documents.py` registers the two kinds with the
    document registry (imported by `mingjing.documents.apps.DocumentsConfig.ready`)."""

    name = "mingjing.reports"
    verbose_name = "情况报告"
