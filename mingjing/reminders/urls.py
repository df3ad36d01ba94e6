from django.urls import path

from mingjing.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("count/", views.notification_count, name="count"),
    path("read/", views.mark_read, name="read"),
    path("settings/", views.reminder_settings, name="settings"),
]
