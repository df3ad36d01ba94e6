from django.urls import path

from mingjing.accounts import views

app_name = "accounts"
urlpatterns = [
    path("units/<int:unit_id>/roles/", views.unit_roles, name="unit_roles"),
    path("roles/<int:membership_id>/revoke/", views.role_revoke, name="role_revoke"),
]
