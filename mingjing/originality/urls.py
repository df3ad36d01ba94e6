from django.urls import path

from mingjing.originality import views

app_name = "originality"
urlpatterns = [
    path("meetings/<int:meeting_id>/materials/<str:slot>/originality/", views.material_report, name="report"),
    path("originality/", views.overview, name="overview"),
    path("originality/export/", views.overview_export, name="export"),
    path("originality/templates/", views.template_list, name="templates"),
    path("originality/templates/<int:template_id>/delete/", views.template_remove, name="template_delete"),
]
