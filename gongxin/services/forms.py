import datetime as dt

from django import forms

from gongxin.lib.forms import DateField, ModelMultipleChoiceField, formfield

from .models import Category, Channel, Department, Policy, Tier


class StyledMixin:
    """Tabler classes on every widget."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


class DemandForm(StyledMixin, forms.Form):
    category = forms.ChoiceField(label="诉求类别", choices=Category.choices)
    title = forms.CharField(label="诉求标题", max_length=100)
    description = forms.CharField(label="具体困难和问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    tier = forms.ModelChoiceField(label="紧急程度", queryset=Tier.objects.all(), empty_label=None)
    contact = forms.CharField(label="联系人及电话", max_length=60, required=False)
    anonymous = forms.BooleanField(label="匿名向工信局反映（承办人不显示企业名称）", required=False)
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices, initial=Channel.ENTERPRISE)
    source = forms.CharField(label="关联对象", max_length=80, required=False, widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, for_enterprise=True, **kwargs):
        super().__init__(*args, **kwargs)
        if for_enterprise:
            del self.fields["channel"]
        else:
            del self.fields["anonymous"]
        self._style()


class AssignForm(StyledMixin, forms.Form):
    lead = forms.ModelChoiceField(label="主办单位", queryset=Department.objects.all())
    assists = ModelMultipleChoiceField(label="协办单位", queryset=Department.objects.all(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 5}))
    note = forms.CharField(label="交办意见", max_length=300, required=False)


class VisitForm(StyledMixin, forms.Form):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18)
    visited_on = DateField(label="走访日期", widget=forms.DateInput(attrs={"type": "date"}))
    visitors = forms.CharField(label="走访人员", max_length=200)
    findings = forms.CharField(label="了解情况与问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    photo = forms.ImageField(label="现场照片", required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if not dt.date(2000, 1, 1) <= day <= dt.date.today():
            raise forms.ValidationError("走访日期应在2000年之后且不晚于今天。")
        return day

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 5 * 1024 * 1024:
            raise forms.ValidationError("照片不能超过5MB。")
        return photo


class BenefitForm(StyledMixin, forms.Form):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18)
    amount_wan = forms.DecimalField(label="兑现金额（万元）", max_digits=14, decimal_places=2, min_value=0,
                                    max_value=10**9)
    granted_on = DateField(label="兑现日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PolicyForm(StyledMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield
        model = Policy
        fields = ["title", "level", "issuer", "doc_number", "year", "content", "guide", "tiers", "divisions",
                  "min_growth", "min_investment_wan", "on_list", "is_active"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4}), "guide": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("年度应在2000至2100之间。")
        return year


class OverrideForm(StyledMixin, forms.Form):
    date = DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_working = forms.TypedChoiceField(label="类型", coerce=lambda v: v == "1",
                                        choices=[("0", "休息（法定节假日）"), ("1", "上班（调休工作日）")])
    name = forms.CharField(label="名称", max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
