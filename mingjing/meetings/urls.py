from django.urls import path

from mingjing.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="create"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/next/", views.meeting_next, name="next"),
    path("<int:meeting_id>/delete/", views.meeting_remove, name="delete"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel_view, name="cancel"),
    path("<int:meeting_id>/roster/refreeze/", views.roster_refreeze, name="roster_refreeze"),
    path("<int:meeting_id>/steps/done/", views.step_done, name="step_done"),
    path("<int:meeting_id>/steps/reopen/", views.step_reopen, name="step_reopen"),
    path("<int:meeting_id>/supervisors/add/", views.supervisor_add, name="supervisor_add"),
    path("<int:meeting_id>/supervisors/<int:assignment_id>/remove/", views.supervisor_remove, name="supervisor_remove"),
]
