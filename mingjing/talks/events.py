"""Audit phrases of talks (merged into mingjing.audit.events at start-up)."""

EVENT_PHRASES = {
    "talk.imported": "从表格导入了{count}次谈心谈话",
    "talk.recorded_many": "一次登记了{count}次谈心谈话",
}
