from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from learn.accounts.forms import SignupForm
from learn.core.ratelimit import limited, too_many


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


_login_view = auth_views.LoginView.as_view(template_name="accounts/login.html")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponseBase:
    """Django's LoginView behind a per-address limit on attempts; django-axes adds the
    per-account lockout inside authenticate()."""
    if request.method == "POST":
        hit = limited(request, "login-ip")
        if hit is not None:
            return too_many(request, hit, "log-in attempts from your network")
    return _login_view(request)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        hit = limited(request, "signup-ip")
        if hit is not None:
            return too_many(request, hit, "new accounts from your network")
        form = SignupForm(request.POST)
        if form.is_valid():
            # UserCreationForm.save is Django's own service for creating an account.
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request))
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a page that says what happened instead of Django's bare 403.

    The usual cause here is a form loaded before logging in or out in another tab (login
    rotates the token). Nothing was saved; the way back is the page the form was on."""
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    return render(
        request,
        "csrf_failure.html",
        {"back": back, "no_cookie": reason == REASON_NO_CSRF_COOKIE},
        status=403,
    )
