from django import template
from django.utils.html import format_html

from gongxin.lib.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once():
    """A hidden field with a fresh one-time token: the form it sits in applies once (lib/once.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
