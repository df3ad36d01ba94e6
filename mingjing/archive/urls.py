from django.urls import path

from mingjing.archive import views

app_name = "archive"
urlpatterns = [
    path("meetings/<int:meeting_id>/archive/", views.archive_page, name="meeting"),
    path("meetings/<int:meeting_id>/archive/check/", views.archive_check, name="check"),
    path("meetings/<int:meeting_id>/archive/create/", views.archive_create, name="create"),
    path("meetings/<int:meeting_id>/archive/reopen/", views.archive_reopen, name="reopen"),
    path("meetings/<int:meeting_id>/bundle/", views.bundle_download, name="bundle"),
    path("archive/boxes/<int:box_id>/download/", views.box_download, name="box_download"),
    path("bundles/import/", views.bundle_upload, name="bundle_import"),
]
