import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CODE = re.compile(r"`([^`\n]+)`")


@register.filter
def inline_code(value: object) -> SafeString:
    """Escape plain text, then show `backticked` spans as code (checker messages use them)."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(str(value))))  # noqa: S308
