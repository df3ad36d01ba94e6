EVENT_PHRASES = {
    "bundle.imported": "导入了会议数据包（{mode}，{records}条记录）",
    "meeting.archived": "将会议材料专盒归档（{entries}个文件，校验值{sha256}…）",
    "meeting.reopened": "撤销了归档，原因：{reason}",
}
