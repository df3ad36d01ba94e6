"""Audit phrases for the oversight overview."""

EVENT_PHRASES = {
    "oversight.exported": "导出了{year}年度民主生活会总览（{count}个单位）",
}
