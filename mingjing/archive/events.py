EVENT_PHRASES = {
    "bundle.imported": "导入了会议数据包（{mode}，{records}条记录）",
    "meeting.archived": "将会议材料专盒归档（{entries}个文件，校验值{sha256}…）",
    "meeting.archived_forced": (
        "在尚有{open_count}项未完成或不符合的情况下确认归档（{entries}个文件，校验值{sha256}…），未完成事项：{open_points}"
    ),
    "meeting.reopened": "撤销了归档，原因：{reason}",
}
