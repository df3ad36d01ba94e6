from django.urls import path

from mingjing.todo import views

app_name = "todo"
urlpatterns = [
    path("", views.todo_list, name="list"),
    path("count/", views.todo_count, name="count"),
]
