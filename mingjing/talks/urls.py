from django.urls import path

from mingjing.talks import views

app_name = "talks"
urlpatterns = [
    path("meetings/<int:meeting_id>/talks/", views.talk_list, name="list"),
    path("meetings/<int:meeting_id>/talks/new/", views.talk_new, name="create"),
    path("meetings/<int:meeting_id>/talks/bulk/", views.talk_bulk, name="bulk"),
    path("meetings/<int:meeting_id>/talks/import/", views.talk_import, name="import"),
    path("meetings/<int:meeting_id>/talks/import/template/", views.talk_import_template, name="import_template"),
    path("talks/<int:talk_id>/edit/", views.talk_edit, name="edit"),
    path("talks/<int:talk_id>/delete/", views.talk_remove, name="delete"),
]
