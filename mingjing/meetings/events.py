"""Audit phrases of meetings added by issue 12 (merged into mingjing.audit.events at start-up)."""

EVENT_PHRASES = {
    "meeting.created_extra": "经单位管理员同意，增开了专题民主生活会“{object}”（理由：{reason}）",
    "meeting.cancelled": "取消了民主生活会“{object}”（原因：{reason}）",
    "meeting.deleted": "删除了没有记录的民主生活会“{object}”（{date}）",
}
