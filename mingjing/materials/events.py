EVENT_PHRASES = {
    "material.saved": "保存了{object}第{number}版（{reason}）",
    "material.conflict": "保存{object}时他人已保存新版本，所存文本另存为第{number}版（冲突稿）",
    "material.uploaded": "上传了Word文档“{name}”，形成{object}第{number}版",
    "material.skeleton": "依据记录生成了{object}框架（第{number}版）",
    "material.reviewed": "对{object}第{version}版执行了“{action}”{comments}",
}
