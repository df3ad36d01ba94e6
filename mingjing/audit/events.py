"""Every event type the system writes, with the plain-Chinese phrase its history line uses.

A service that writes an event type missing here fails at once (and so does its test), so the
history page never shows a raw code.
"""

from __future__ import annotations

# {name} slots are filled from the event's `extra`.
EVENT_PHRASES: dict[str, str] = {
    "created": "创建了{kind}“{object}”",
    "updated": "修改了{kind}“{object}”",
    "deleted": "删除了{kind}“{object}”",
    "roster.imported": "导入了人员名单（新增{created}人，更新{updated}人）",
    "membership.granted": "授予{user}“{role}”角色",
    "membership.revoked": "撤销了{user}的“{role}”角色",
    "user.created": "创建了登录账号“{user}”",
    "meeting.created_from_previous": "依据“{previous}”创建了民主生活会“{object}”",
    "meeting.roster_frozen": "冻结了班子名单（{count}人）",
    "meeting.step_completed": "将“{step}”标记为已完成（{date}）",
    "meeting.step_reopened": "将“{step}”改回未完成",
    "meeting.supervisor_assigned": "指派{user}为督导组成员",
    "meeting.supervisor_removed": "撤销了{user}的督导组成员指派",
    # Sign-ins and what left the system (mingjing/audit/signals.py, mingjing/audit/services.py).
    "auth.login": "登录系统（地址{ip}）",
    "auth.login_failed": "登录失败（账号“{username}”，地址{ip}）",
    "auth.logout": "退出登录",
    "download": "下载了{what}“{filename}”",
    "audit.exported": "导出了审计记录（{count}条）",
    "yearconfig.copied": "以“{source}”为模板新建了年度配置“{object}”",
}
