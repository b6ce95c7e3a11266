from django import forms

from gongxin.lib.forms import DateField, formfield

from .models import Event

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def styled(form):
    """Give every widget Tabler's class (no script needed)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return form


class EventForm(forms.ModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        formfield_callback = formfield
        model = Event
        fields = ["code", "name", "kind", "level", "started_on", "ended_on", "description"]
        widgets = {"started_on": DATE, "ended_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
        styled(self)

    def validate_unique(self):  # the service says it in Chinese, also under a race
        pass

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "结束日期不能早于开始日期")
        return data


class PhaseForm(forms.Form):
    name = forms.CharField(label="阶段名称", max_length=50)
    starts_on = DateField(label="开始日期", widget=DATE)
    ends_on = DateField(label="结束日期", widget=DATE, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class CloseForm(forms.Form):
    reason = forms.CharField(label="关闭说明", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
