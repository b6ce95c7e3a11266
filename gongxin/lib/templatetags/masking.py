"""`{% phone value %}` and `{% id_number value %}`: personal data as the reader's role may see it."""

from django import template

from gongxin.lib.masking import Masker

register = template.Library()


def _masker(context):
    access = context.get("access")
    return Masker(getattr(access, "sees_personal_data", False))


@register.simple_tag(takes_context=True)
def phone(context, value):
    return _masker(context).phone(value) or "—"


@register.simple_tag(takes_context=True)
def id_number(context, value):
    return _masker(context).id_number(value) or "—"
