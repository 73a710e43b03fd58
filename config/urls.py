from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

import config.converters  # noqa: F401  (registers the path converters before the apps' urls)
from municipalities import oidc
from municipalities import views as municipality_views
from reports import views as report_views
from reports.api import api


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("", report_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("konto/logg-inn/", municipality_views.SignInPage.as_view(), name="login"),
    path("konto/logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/videre/", municipality_views.after_sign_in, name="after_sign_in"),
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("assessment.urls")),
    path("", include("municipalities.urls")),
    path("", include("reports.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
