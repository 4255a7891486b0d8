"""Request bodies are bounded (issue 14.9). No view of this app takes a file, and the largest
honest body is a 64 KB lab file; a 300 MB anonymous multipart body used to be spooled to
/tmp (64 Mi in the Kubernetes manifests) before the 400.

- BodyLimitMiddleware answers 413 to any body declared larger than MAX_REQUEST_BODY, before
  anything reads it (the Ingress refuses above 1 MiB too: the Traefik Middleware in
  deploy/k8s/middleware.yaml).
- RefuseFilesHandler, the only upload handler, stops parsing at the first file part, so a
  body without a Content-Length (chunked) cannot spool a file either.
- DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields themselves (settings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MAX_REQUEST_BODY = 512 * 1024


class RefuseFilesHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BODY:
            message = (
                f"That request is {length // 1024} KB; this site takes at most "
                f"{MAX_REQUEST_BODY // 1024} KB (and no file uploads)."
            )
            response = render(request, "error.html", {"message": message}, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)
