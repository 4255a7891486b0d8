from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from learn.core import views


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host validation and the HTTPS redirect.

    Kubelet probes and load balancers call the pod by IP over plain HTTP: with
    ALLOWED_HOSTS and SECURE_SSL_REDIRECT as production needs them, those requests would
    get a 400 or a 301 and the pod would never become ready. Nothing else is exempted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.routes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
