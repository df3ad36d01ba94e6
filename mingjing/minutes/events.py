EVENT_PHRASES = {
    "minutes.started": "开始记录民主生活会（班子成员{count}人）",
    "minutes.row_added": "在会议记录中添加了{row}",
    "minutes.criticisms_added": "在会议记录中一次添加了{count}条批评意见",
    "minutes.row_removed": "从会议记录中删除了{row}",
    "minutes.agenda_moved": "将议程“{item}”{direction}",
    "minutes.roster_synced": "按重新冻结的班子名单补充了出席和发言（{names}）",
    "minutes.finalised": "将会议记录定稿（{quorum}）",
    "minutes.reopened": "重新打开了已定稿的会议记录，理由：{reason}",
}
