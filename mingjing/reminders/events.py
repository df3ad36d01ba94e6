EVENT_PHRASES = {
    "reminders.sent": "发送了提醒（站内{count}条，邮件{emails}封）",
    "reminders.read": "将{count}条提醒标为已读",
    "reminders.settings": "修改了提醒设置（电子邮箱：{email}；邮件提醒：{enabled}）",
}
