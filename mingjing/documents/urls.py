from django.urls import path

from mingjing.documents import views

app_name = "documents"
urlpatterns = [
    path("meetings/<int:meeting_id>/documents/", views.document_list, name="list"),
    path("meetings/<int:meeting_id>/documents/<slug:kind>/", views.document_preview, name="preview"),
    path("meetings/<int:meeting_id>/documents/<slug:kind>/download/", views.document_download, name="download"),
    path("meetings/<int:meeting_id>/documents/<slug:kind>/edit/", views.paragraph_save, name="edit"),
    path("meetings/<int:meeting_id>/documents/<slug:kind>/reset/", views.paragraph_reset, name="reset"),
    path("meetings/<int:meeting_id>/documents/<slug:kind>/settings/", views.document_settings, name="settings"),
]
