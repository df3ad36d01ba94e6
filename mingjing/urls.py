from django.contrib.auth import views as auth_views
from django.urls import include, path

from mingjing.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("mingjing.accounts.urls")),
    path("units/", include("mingjing.organizations.urls")),
    path("configs/", include("mingjing.yearconfigs.urls")),
    path("meetings/", include("mingjing.meetings.urls")),
    path("", include("mingjing.studies.urls")),
    path("", include("mingjing.talks.urls")),
    path("", include("mingjing.plans.urls")),
    path("", include("mingjing.opinions.urls")),
    path("", include("mingjing.problems.urls")),
    path("", include("mingjing.materials.urls")),
    path("", include("mingjing.minutes.urls")),
    path("", include("mingjing.rectification.urls")),
    path("", include("mingjing.documents.urls")),
    path("", include("mingjing.archive.urls")),
]
