from django.urls import path

from mingjing.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export, name="export"),
    path("summary/", views.summary, name="summary"),
]
