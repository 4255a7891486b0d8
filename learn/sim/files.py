"""The sandbox's working directory: a dict of relative path -> text in the state."""

from __future__ import annotations

import re

from learn.sim.world import MAX_FILE_BYTES, MAX_FILES, World

_PATH = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


class FileError(ValueError):
    """A file the sandbox will not hold; the message says why, for the learner."""


def normalise(path: str) -> str:
    """`./k8s/web.yaml` -> `k8s/web.yaml`; refuses absolute paths, `..` and odd names."""
    key = path.strip()
    while key.startswith("./"):
        key = key[2:]
    if not key or len(key) > 200 or not _PATH.match(key):
        raise FileError(
            "file names are relative paths of letters, digits, '.', '_', '-' and '/' "
            "(at most 200 characters)"
        )
    if any(part in {".", ".."} for part in key.split("/")):
        raise FileError("file names cannot contain '.' or '..' as a folder")
    return key


def write_file(world: World, path: str, text: str) -> str:
    key = normalise(path)
    if not isinstance(text, str):
        raise FileError("a file holds text")
    if "\x00" in text:
        raise FileError("a file cannot contain NUL bytes")
    size = len(text.encode())
    if size > MAX_FILE_BYTES:
        raise FileError(
            f"File too large: {size} bytes (the sandbox holds at most {MAX_FILE_BYTES})"
        )
    files = world.files()
    if key not in files and len(files) >= MAX_FILES:
        raise FileError(f"the sandbox holds at most {MAX_FILES} files")
    files[key] = text
    return key


def read_file(world: World, path: str) -> str | None:
    try:
        return world.files().get(normalise(path))
    except FileError:
        return None
