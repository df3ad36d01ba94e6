from django.urls import path

from mingjing.materials import views

app_name = "materials"
M = "meetings/<int:meeting_id>/materials/"
urlpatterns = [
    path(M, views.material_list, name="list"),
    path(M + "case/", views.case_study_edit, name="case"),
    path(M + "<str:slot>/", views.material_edit, name="edit"),
    path(M + "<str:slot>/save/", views.material_save_view, name="save"),
    path(M + "<str:slot>/upload/", views.material_upload_view, name="upload"),
    path(M + "<str:slot>/skeleton/", views.material_skeleton_view, name="skeleton"),
    path(M + "<str:slot>/review/", views.material_act_view, name="review"),
    path(M + "<str:slot>/versions/<int:number>/", views.material_version, name="version"),
    path(M + "<str:slot>/compare/", views.material_compare, name="compare"),
    path("material-files/<int:file_id>/", views.material_file, name="file"),
]
