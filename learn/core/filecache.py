"""The shared cache as files on one host (settings: LEARN_SHARED_CACHE=files).

Django's FileBasedCache lists its whole directory on every set to decide whether to cull;
with a class of 300 (their sessions, users and page tokens: a thousand files) that listing
is most of a set's 4-5 ms, and an answer makes several sets. Culling on one set in
CULL_EVERY keeps the bound (MAX_ENTRIES, give or take CULL_EVERY files) at a fraction of
the cost. Reads are unchanged: a missing or expired file is a miss.
"""

from __future__ import annotations

import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 200


class SharedFileCache(FileBasedCache):
    def _cull(self) -> None:
        if random.randrange(CULL_EVERY) == 0:  # noqa: S311 (a sampling rate, not a secret)
            super()._cull()  # type: ignore[misc]  # private in the stubs, real in Django
