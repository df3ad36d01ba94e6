from django.urls import path

from mingjing.problems import views

app_name = "problems"
urlpatterns = [
    path("meetings/<int:meeting_id>/problems/", views.overview, name="overview"),
    path("meetings/<int:meeting_id>/problems/team/", views.team_page, name="team"),
    path("problems/members/<int:entry_id>/", views.member_page, name="member"),
    # Create pages take the owner as ?member=<roster entry id>; without it, the team's.
    path("meetings/<int:meeting_id>/problems/new/", views.problem_new, name="problem_create"),
    path("meetings/<int:meeting_id>/problems/batch/", views.problems_batch, name="batch"),
    path("meetings/<int:meeting_id>/problems/import/", views.import_page, name="import"),
    path("meetings/<int:meeting_id>/problems/import/template/", views.import_template, name="import_template"),
    path("problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:problem_id>/delete/", views.problem_remove, name="problem_delete"),
    path("problems/<int:problem_id>/move/", views.problem_move, name="problem_move"),
    path("meetings/<int:meeting_id>/problems/causes/new/", views.cause_new, name="cause_create"),
    path("problems/causes/<int:cause_id>/edit/", views.cause_edit, name="cause_edit"),
    path("problems/causes/<int:cause_id>/delete/", views.cause_remove, name="cause_delete"),
    path("problems/causes/<int:cause_id>/move/", views.cause_move, name="cause_move"),
    path("meetings/<int:meeting_id>/problems/measures/new/", views.measure_new, name="measure_create"),
    path("problems/measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("problems/measures/<int:measure_id>/delete/", views.measure_remove, name="measure_delete"),
    path("problems/measures/<int:measure_id>/move/", views.measure_move, name="measure_move"),
]
