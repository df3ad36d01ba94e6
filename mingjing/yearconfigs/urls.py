from django.urls import path

from mingjing.yearconfigs import views

app_name = "yearconfigs"
urlpatterns = [
    path("", views.config_list, name="list"),
    path("new/", views.config_create, name="create"),
    path("<int:config_id>/", views.config_detail, name="detail"),
    path("<int:config_id>/edit/", views.config_edit, name="edit"),
    path("<int:config_id>/copy/", views.config_copy, name="copy"),
]
