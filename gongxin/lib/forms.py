"""What a refused Django form says to the user, in one line for a message after a redirect; the date
box every form uses (its dates within 1900–2100, as `lib.bounds` keeps every date that is stored)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from . import bounds


class DateField(forms.DateField):
    """forms.DateField within 1900-01-01…2100-12-31, as `lib.bounds` keeps every stored date: year 1
    or 9999 is a typing error, and a page computing with it (a deadline, a duration) could fail later.
    Its date picker offers only those years."""

    def validate(self, value):
        super().validate(value)
        try:
            bounds.date(value, str(self.label or "日期"))
        except bounds.OutOfRange as e:
            raise ValidationError(str(e), code="date_range") from None

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"min": f"{bounds.EARLIEST:%Y-%m-%d}", "max": f"{bounds.LATEST:%Y-%m-%d}"}


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """forms.ModelMultipleChoiceField where a value that cannot be a key (a word, twenty digits) is an
    invalid choice with the field's message — Django's own sends twenty digits to SQLite, which fails
    with an OverflowError (a server error)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for v in value:
                if bounds.pk(v) is None:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": v})
        return super()._check_values(value)


def formfield(db_field, **kwargs):
    """A ModelForm's `Meta.formfield_callback`: the model's date columns get the bounded DateField."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)
    return db_field.formfield(**kwargs)


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
