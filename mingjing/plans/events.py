"""Audit phrases of the plan and the request (merged into mingjing.audit.events at start-up)."""

EVENT_PHRASES = {
    "plan.task_added": "在方案任务推进表中增加了任务“{task}”",
    "plan.task_updated": "修改了任务“{task}”",
    "plan.task_done": "将任务“{task}”标记为已完成（{date}）",
    "plan.task_reopened": "将任务“{task}”改回未完成",
    "plan.task_deleted": "删除了任务“{task}”",
    "plan.request_sent": "报送了第{round}轮请示“{title}”（{date}）",
    "plan.request_approved": "同意了第{round}轮请示",
    "plan.request_returned": "退回了第{round}轮请示，意见：{comments}",
    "plan.paper_reply_recorded": "登记了第{round}轮请示的书面答复：{status}（{replier}，{date}）",
}
