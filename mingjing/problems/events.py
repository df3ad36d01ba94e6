"""Audit phrases of the problems app (merged into audit.events at start-up)."""

EVENT_PHRASES = {
    "problems.moved": "将{kind}“{object}”{direction}",
    "problems.created_many": "一次录入了{count}个查摆问题（{owners}）",
}
