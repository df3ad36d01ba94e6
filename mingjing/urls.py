from django.contrib.auth import views as auth_views
from django.urls import include, path

from mingjing.accounts import views as account_views
from mingjing.lib import errors

# Chinese error pages that show the reason the code gave and set no cookie (mingjing/lib/errors.py).
# /favicon.ico is a file WhiteNoise serves (settings.WHITENOISE_ROOT), not a URL here.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

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
    path("", include("mingjing.originality.urls")),
    path("", include("mingjing.minutes.urls")),
    path("", include("mingjing.rectification.urls")),
    path("", include("mingjing.documents.urls")),
    path("", include("mingjing.reports.urls")),
    path("", include("mingjing.archive.urls")),
    path("audit/", include("mingjing.audit.urls")),
    path("todo/", include("mingjing.todo.urls")),
    path("reminders/", include("mingjing.reminders.urls")),
    path("oversight/", include("mingjing.oversight.urls")),
]
