from mingjing.tests.matrix import EVERYONE, GET, POST

# Everyone has his own reminders; nobody reaches another's (they are never addressed by id).
EVERYONE_POST = (302, 302, 302, 302, 302, 302, 302, 302)
ROWS = {
    "reminders:list": [GET(EVERYONE, "my own reminders")],
    "reminders:count": [GET(EVERYONE)],
    "reminders:read": [POST(EVERYONE_POST, "marks only my own as read")],
    "reminders:settings": [GET(EVERYONE, "my own e-mail address and choice")],
}
