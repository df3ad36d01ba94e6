from django.urls import path

from mingjing.studies import views

app_name = "studies"
urlpatterns = [
    path("meetings/<int:meeting_id>/studies/", views.session_list, name="list"),
    path("meetings/<int:meeting_id>/studies/new/", views.session_new, name="create"),
    path("studies/<int:session_id>/edit/", views.session_edit, name="edit"),
    path("studies/<int:session_id>/delete/", views.session_remove, name="delete"),
]
