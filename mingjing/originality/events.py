EVENT_PHRASES = {
    "originality.template_added": "向查重模板库添加了“{name}”",
    "originality.template_deleted": "从查重模板库删除了“{name}”",
}
