"""Issue 14.9: request bodies are capped and file parts are never spooled anywhere."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from learn.core.uploads import MAX_REQUEST_BODY

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_body_over_the_cap_is_refused_unread(client: Client, course) -> None:
    response = client.post(
        "/questions/t-text/answer/",
        data=b"x" * (MAX_REQUEST_BODY + 1),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "no file uploads" in response.content.decode()


@pytest.mark.django_db
def test_a_file_part_stops_the_parser_and_nothing_is_spooled(client: Client, course) -> None:
    before = set(Path(tempfile.gettempdir()).iterdir())
    upload = SimpleUploadedFile("big.bin", b"\0" * (300 * 1024), "application/octet-stream")
    response = client.post("/questions/t-text/answer/", {"f": upload, "answer": "docker ps"})
    # The file part stopped the parse: the answer field after it never arrived, so this is
    # the ordinary "type an answer" refusal, and no part of the file went to disk.
    assert response.status_code == 400
    spooled = [
        p for p in set(Path(tempfile.gettempdir()).iterdir()) - before if p.suffix == ".upload"
    ]
    assert spooled == []


def test_the_ingress_caps_bodies_too() -> None:
    # Traefik (the class deploy/k8s uses) caps bodies with its buffering middleware, named on
    # the Ingress's router (doc.traefik.io, "Buffering": 413 above maxRequestBodyBytes).
    ingress = yaml.safe_load((ROOT / "deploy/k8s/ingress.yaml").read_text())
    middleware = yaml.safe_load((ROOT / "deploy/k8s/middleware.yaml").read_text())
    reference = f"{middleware['metadata']['namespace']}-{middleware['metadata']['name']}"
    annotation = ingress["metadata"]["annotations"][
        "traefik.ingress.kubernetes.io/router.middlewares"
    ]
    assert f"{reference}@kubernetescrd" in annotation.split(",")
    cap = middleware["spec"]["buffering"]["maxRequestBodyBytes"]
    assert cap == 1024 * 1024 and cap > MAX_REQUEST_BODY
