EVENT_PHRASES = {
    "originality.template_added": "向查重模板库添加了“{name}”",
    "originality.template_deleted": "从查重模板库删除了“{name}”",
    "originality.exported": "导出了材料查重汇总（{count}份材料）",
}
