from django.urls import path

from mingjing.accounts import views

app_name = "accounts"
urlpatterns = [
    path("units/<int:unit_id>/roles/", views.unit_roles, name="unit_roles"),
    path("roles/<int:membership_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("units/<int:unit_id>/accounts/", views.unit_accounts, name="unit_accounts"),
    path("units/<int:unit_id>/accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:user_id>/", views.account_detail, name="account"),
    path("accounts/<int:user_id>/disable/", views.account_disable, name="account_disable"),
    path("accounts/<int:user_id>/enable/", views.account_enable, name="account_enable"),
    path("accounts/<int:user_id>/password/", views.password_reset, name="password_reset"),
    path("accounts/<int:user_id>/link/", views.account_link, name="account_link"),
    path("accounts/<int:user_id>/unlink/", views.account_unlink, name="account_unlink"),
    path("password/", views.own_password, name="password_change"),
    path("security/policy/", views.security_policy, name="security_policy"),
    path("security/locked/", views.locked_accounts, name="locked"),
    path("security/unlock/", views.unlock, name="unlock"),
]
