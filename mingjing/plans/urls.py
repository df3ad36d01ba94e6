from django.urls import path

from mingjing.plans import views

app_name = "plans"
urlpatterns = [
    path("meetings/<int:meeting_id>/plan/", views.plan_detail, name="plan"),
    path("meetings/<int:meeting_id>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("meetings/<int:meeting_id>/plan/tasks/new/", views.task_new, name="task_create"),
    path("plan-tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("plan-tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("plan-tasks/<int:task_id>/delete/", views.task_remove, name="task_delete"),
    path("meetings/<int:meeting_id>/request/", views.request_detail, name="request"),
    path("meetings/<int:meeting_id>/request/send/", views.request_new, name="request_create"),
    path("plan-requests/<int:request_id>/edit/", views.request_edit, name="request_edit"),
    path("plan-requests/<int:request_id>/reply/", views.request_reply_view, name="request_reply"),
    path("plan-requests/<int:request_id>/paper-reply/", views.request_paper_reply, name="request_paper_reply"),
]
