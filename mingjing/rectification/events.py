"""Audit phrases for the rectification ledger (merged into mingjing.audit.events at start-up)."""

EVENT_PHRASES = {
    "rectification.generated": "依据查摆问题生成了{count}项整改事项",
    "rectification.progress": "更新了整改进展",
    "rectification.milestone_added": "登记了整改进展节点“{text}”（附件{files}个）",
    "rectification.closure_requested": "申请销号（{note}）",
    "rectification.principal_verified": "经主要负责同志审核同意，提交督导组审核销号",
    "rectification.closed": "审核同意销号，销号日期{date}",
    "rectification.returned": "退回销号申请，理由：{reason}",
    "rectification.reopened": "重新打开了已销号的事项，理由：{reason}",
    "rectification.carried_over": "将上年度{count}项未完成整改事项结转到本年度",
    "rectification.imported": "通过表格导入更新了{count}项整改事项的进展",
    "rectification.settings": "修改了整改台账设置",
}
