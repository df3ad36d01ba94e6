from django.urls import path

from mingjing.reports import views

app_name = "reports"
urlpatterns = [
    path("meetings/<int:meeting_id>/outcome/", views.outcome_edit, name="outcome"),
    path("meetings/<int:meeting_id>/report-receipt/", views.receipt_record, name="receipt"),
]
