EVENT_PHRASES = {
    "document.paragraph_edited": "修改了《{document}》的段落“{paragraph}”",
    "document.paragraph_reset": "将《{document}》的段落“{paragraph}”恢复为自动生成内容",
    "document.settings_saved": "修改了《{document}》的设置：{changes}",
}
