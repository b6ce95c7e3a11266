from django import forms

from gongxin.lib.forms import formfield

from .models import WarningRule


class WarningRuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    class Meta:
        formfield_callback = formfield
        model = WarningRule
        fields = ["name", "level", "threshold", "months", "message", "active"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value < 0 or value > 100:
            raise forms.ValidationError("阈值应在0到100之间")
        return value

    def clean_months(self):
        value = self.cleaned_data["months"]
        if not 1 <= value <= 12:
            raise forms.ValidationError("连续月数应在1到12之间")
        return value

    def clean_message(self):
        value = self.cleaned_data["message"]
        try:
            value.format_map({k: "" for k in ("name", "town", "period", "growth", "value", "threshold", "months",
                                                "electricity", "progress", "gap", "deadline")})
        except (KeyError, ValueError, IndexError) as e:
            raise forms.ValidationError(f"说明模板中的占位符有误：{e}") from e
        return value


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs["class"] = "form-control"

