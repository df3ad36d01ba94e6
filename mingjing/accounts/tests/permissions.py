"""Permission-matrix rows for the account and identity-control pages (mingjing/tests/matrix.py).

The three administrators are not matrix columns; ThreeAdministratorsTest (test_identity.py) walks these
pages for them."""

from mingjing.tests.matrix import BUREAU_ADMIN, EVERYONE, GET, POST

# Only the bureau's admin manages its accounts (ACCOUNTS_MANAGE); an account outside a user's units is not found.
ACCOUNT_ADMIN = (200, 404, 404, 404, 404, 404, 404, 302)
ACCOUNT_ADMIN_POST = (302, 404, 404, 404, 404, 404, 404, 302)
OUTSIDER_UNIT_ACCOUNTS = (404, 404, 404, 404, 404, 403, 403, 302)
# The identity controls belong to the security administrator only: no persona holds SECURITY_MANAGE.
SECURITY_ONLY = (403, 403, 403, 403, 403, 403, 403, 302)


def fixtures(cls) -> dict:
    return {"member_account": cls.member, "outsider_account": cls.outsider}


ROWS = {
    "accounts:unit_accounts": [
        GET(BUREAU_ADMIN, unit_id="bureau"),
        GET(OUTSIDER_UNIT_ACCOUNTS, unit_id="outsider_unit"),
    ],
    "accounts:account_new": [
        GET(BUREAU_ADMIN, unit_id="bureau"),
        GET(OUTSIDER_UNIT_ACCOUNTS, unit_id="outsider_unit"),
    ],
    "accounts:account": [
        GET(ACCOUNT_ADMIN, user_id="member_account"),
        GET((404,) * 7 + (302,), user_id="outsider_account"),
    ],
    "accounts:account_disable": [POST(ACCOUNT_ADMIN_POST, user_id="member_account")],
    "accounts:account_enable": [POST(ACCOUNT_ADMIN_POST, user_id="member_account")],
    "accounts:password_reset": [
        GET(ACCOUNT_ADMIN, user_id="member_account"),
        POST(
            ACCOUNT_ADMIN_POST,
            data={"password": "Temp-Pass-9061", "password2": "Temp-Pass-9061"},
            user_id="member_account",
        ),
    ],
    "accounts:account_link": [
        POST(ACCOUNT_ADMIN_POST, "nothing chosen: back with a message", user_id="member_account")
    ],
    "accounts:account_unlink": [POST(ACCOUNT_ADMIN_POST, user_id="member_account")],
    "accounts:password_change": [GET(EVERYONE)],
    "accounts:security_policy": [GET(SECURITY_ONLY)],
    "accounts:locked": [GET(SECURITY_ONLY)],
    "accounts:unlock": [POST(SECURITY_ONLY, data={"username": "demo-member"})],
}
