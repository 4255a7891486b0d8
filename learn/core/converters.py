"""`<id:pk>`: a database id in a URL. Django's `<int:>` matches any number of digits, and a
30-digit one overflows SQLite's 64-bit integers inside the query (OverflowError: a 500).
At most 18 digits always fits a BigAutoField, so anything longer simply does not match: 404.
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
