from mingjing.tests.matrix import EVERYONE, GET

ROWS = {
    "todo:list": [GET(EVERYONE, "every role has a to-do page, computed for him")],
    "todo:count": [GET(EVERYONE)],
}
