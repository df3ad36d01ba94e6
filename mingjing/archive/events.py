EVENT_PHRASES = {
    "bundle.imported": "导入了会议数据包（{mode}，{records}条记录）",
}
