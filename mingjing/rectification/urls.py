from django.urls import path

from mingjing.rectification import views

app_name = "rectification"
urlpatterns = [
    path("meetings/<int:meeting_id>/rectification/", views.ledger, name="ledger"),
    path("meetings/<int:meeting_id>/rectification/new/", views.item_new, name="create"),
    path("meetings/<int:meeting_id>/rectification/from-problems/", views.from_problems, name="from_problems"),
    path("meetings/<int:meeting_id>/rectification/settings/", views.settings_edit, name="settings"),
    path("meetings/<int:meeting_id>/rectification/carry-over/", views.carry, name="carry_over"),
    path("meetings/<int:meeting_id>/rectification/previous-year/", views.previous_year, name="previous_year"),
    path("meetings/<int:meeting_id>/rectification/export/", views.export, name="export"),
    path("meetings/<int:meeting_id>/rectification/import/", views.import_sheet, name="import"),
    path("meetings/<int:meeting_id>/rectification/import/confirm/", views.import_confirm, name="import_confirm"),
    path("meetings/<int:meeting_id>/notices/", views.notices, name="notices"),
    path("meetings/<int:meeting_id>/notices/new/", views.notice_new, name="notice_create"),
    path("notices/<int:notice_id>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:notice_id>/delete/", views.notice_remove, name="notice_delete"),
    path("rectification/<int:item_id>/", views.item_detail, name="item"),
    path("rectification/<int:item_id>/edit/", views.item_edit, name="edit"),
    path("rectification/<int:item_id>/progress/", views.item_progress, name="progress"),
    path("rectification/<int:item_id>/milestones/", views.item_milestone, name="milestone"),
    path("rectification/<int:item_id>/request-closure/", views.item_request, name="request"),
    path("rectification/<int:item_id>/verify/", views.item_verify, name="verify"),
    path("rectification/<int:item_id>/return/", views.item_return, name="return"),
    path("rectification/<int:item_id>/reopen/", views.item_reopen_view, name="reopen"),
    path("rectification/<int:item_id>/delete/", views.item_remove, name="delete"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("my/rectification/", views.my_rectification, name="mine"),
]
