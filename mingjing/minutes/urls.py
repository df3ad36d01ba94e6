from django.urls import path

from mingjing.minutes import views

app_name = "minutes"
urlpatterns = [
    path("meetings/<int:meeting_id>/minutes/", views.minutes_detail, name="detail"),
    path("meetings/<int:meeting_id>/minutes/start/", views.minutes_begin, name="start"),
    path("meetings/<int:meeting_id>/minutes/live/", views.minutes_live, name="live"),
    path("meetings/<int:meeting_id>/minutes/save/", views.minutes_save, name="save"),
    path("meetings/<int:meeting_id>/minutes/rows/add/", views.minutes_row_add, name="row_add"),
    path("meetings/<int:meeting_id>/minutes/rows/delete/", views.minutes_row_delete, name="row_delete"),
    path("meetings/<int:meeting_id>/minutes/agenda/move/", views.minutes_agenda_move, name="agenda_move"),
    path("meetings/<int:meeting_id>/minutes/criticisms/batch/", views.criticisms_batch, name="criticisms_batch"),
    path("meetings/<int:meeting_id>/minutes/criticisms/import/", views.criticisms_upload, name="criticisms_import"),
    path(
        "meetings/<int:meeting_id>/minutes/criticisms/import/template/",
        views.criticisms_template,
        name="criticisms_template",
    ),
    path("meetings/<int:meeting_id>/minutes/stats/", views.minutes_stats, name="stats"),
    path("meetings/<int:meeting_id>/minutes/finalise/", views.minutes_final, name="finalise"),
    path("meetings/<int:meeting_id>/minutes/reopen/", views.minutes_unfinal, name="reopen"),
]
