"""What a refused Django form says to the user, in one line for a message after a redirect."""

from django import forms


def refusal(form):
    """Each visible field's label and its errors ('存在问题：确保该变量包含不超过 300 字符 (目前字符数 301)。'),
    joined by '；'; an error of a hidden field (a version, a token) or of the whole form as
    '请求无效，请刷新后再试' — never a fixed sentence that names a field the user typed correctly."""
    parts = []
    for name, errors in form.errors.items():
        f = form.fields.get(name)
        if f is None or isinstance(f.widget, forms.HiddenInput):
            parts.append("请求无效，请刷新后再试")
        else:
            parts.append(f"{f.label or name}：{''.join(errors)}")
    return "；".join(dict.fromkeys(parts))
