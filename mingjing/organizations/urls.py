from django.urls import path

from mingjing.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/edit/", views.unit_edit, name="edit"),
    path("<int:unit_id>/units/new/", views.unit_create, name="create_child"),
    path("<int:unit_id>/divisions/new/", views.division_add, name="division_add"),
    path("<int:unit_id>/branches/new/", views.branch_add, name="branch_add"),
    path("<int:unit_id>/people/new/", views.person_add, name="person_add"),
    path("<int:unit_id>/roster/template.xlsx", views.roster_template, name="roster_template"),
    path("<int:unit_id>/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("<int:unit_id>/roster/import/", views.roster_import, name="roster_import"),
    path("divisions/<int:division_id>/edit/", views.division_edit, name="division_edit"),
    path("branches/<int:branch_id>/edit/", views.branch_edit, name="branch_edit"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
]
