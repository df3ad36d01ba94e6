"""Audit phrases of account and identity-control events (merged into mingjing.audit.events at start-up)."""

EVENT_PHRASES = {
    "account.created": "创建了登录账号“{user}”",
    "account.disabled": "停用了登录账号“{user}”",
    "account.enabled": "重新启用了登录账号“{user}”",
    "account.password_reset": "重置了“{user}”的密码（下次登录须修改）",
    "account.password_changed": "修改了自己的密码",
    "account.person_linked": "将人员“{person}”关联到登录账号“{user}”",
    "account.person_unlinked": "解除了人员“{person}”与登录账号“{user}”的关联",
    "account.unlocked": "解除了{target}的登录锁定",
    "security.policy_updated": "修改了身份鉴别策略",
}
