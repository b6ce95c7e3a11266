import datetime as dt
import uuid

from django import forms

from gongxin.analysis import stats as analysis
from gongxin.emergencies.forms import DATE, styled
from gongxin.lib.forms import DateField, ModelMultipleChoiceField, formfield
from gongxin.registry.models import Enterprise, EnterpriseGroup, Region

from .models import Finding, PolicyNotice, Registration, RegistrationItem, StatusReport, TestingRegime


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请选择文件")
        return [super(MultiFileField, self).clean(f, initial) for f in files]


def new_token():
    return uuid.uuid4().hex


class NoticeForm(forms.Form):
    title = forms.CharField(label="文件标题", max_length=200)
    issuer = forms.CharField(label="发文单位", max_length=100, initial="滕州市工业和信息化局")
    doc_number = forms.CharField(label="文号", max_length=60, required=False)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    target = forms.ChoiceField(label="发送范围", choices=PolicyNotice.Target.choices)
    groups = ModelMultipleChoiceField(label="企业分组", queryset=EnterpriseGroup.objects.all(), required=False)
    towns = ModelMultipleChoiceField(label="镇街", queryset=Region.objects.towns(), required=False)
    tiers = forms.MultipleChoiceField(label="产值档次", required=False,
                                      choices=[(k, v) for k, v in analysis.TIER_NAMES.items()
                                               if k not in (analysis.UNDER_100M, analysis.UNTIERED)])
    enterprises = forms.CharField(label="指定企业（统一社会信用代码，每行一个）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    files = MultiFileField(label="附件（PDF、Word、Excel、图片，每个不超过20MB）", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)

    def clean(self):
        data = super().clean()
        target = data.get("target")
        need = {"groups": "groups", "towns": "towns", "tiers": "tiers", "list": "enterprises"}.get(target)
        if need and not data.get(need):
            self.add_error(need, "请选择发送范围")
        if target == "list" and data.get("enterprises"):
            codes = [c.strip().upper() for c in data["enterprises"].split() if c.strip()]
            found = list(Enterprise.objects.filter(uscc__in=codes))
            missing = sorted(set(codes) - {e.uscc for e in found})
            if missing:
                self.add_error("enterprises", f"找不到企业：{'、'.join(missing[:5])}")
            data["enterprise_list"] = found
        return data


class RegistrationForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        formfield_callback = formfield
        model = Registration
        fields = Registration.DATA_FIELDS
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, enterprises=None, items=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing or enterprises is None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises
        self.items = list(items)
        for item, current in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.name, choices=RegistrationItem.Status.choices,
                initial=current.status if current else RegistrationItem.Status.NOT_MET)
        styled(self)

    def validate_unique(self):  # the service checks one registration per event
        pass

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "封闭结束日期不能早于开始日期")
        return data

    def item_statuses(self):
        return {item.pk: (self.cleaned_data[f"item_{item.pk}"], "") for item, _ in self.items}

    def data_fields(self):
        return {k: self.cleaned_data[k] for k in Registration.DATA_FIELDS}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class StatusReportForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=StatusReport.Kind.choices)
    day = DateField(label="日期", widget=DATE, initial=dt.date.today)
    workers_on_site = forms.IntegerField(label="在岗人数", min_value=0, max_value=100_000)
    capacity_pct = forms.DecimalField(label="产能利用率（%）", min_value=0, max_value=100, max_digits=4, decimal_places=1)
    problems = forms.CharField(label="存在问题", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class InspectionForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    day = DateField(label="检查日期", widget=DATE, initial=dt.date.today)
    team = forms.CharField(label="检查组", max_length=100)
    note = forms.CharField(label="检查情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.CharField(label="发现问题（没有则留空）", max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label="严重程度", choices=Finding.Severity.choices, required=False)
    deadline = DateField(label="整改期限", widget=DATE, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, enterprises=None, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Enterprise.objects.none()
        self.template_items = list(template.items.all()) if template else []
        for item in self.template_items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.category}：{item.text}", initial="ok",
                choices=[("ok", "符合"), ("problem", "存在问题"), ("na", "不适用")])
        styled(self)

    def clean(self):
        data = super().clean()
        if data.get("finding"):
            if not data.get("deadline"):
                self.add_error("deadline", "请填写整改期限")
            elif data.get("day") and data["deadline"] < data["day"]:
                self.add_error("deadline", "整改期限不能早于检查日期")
            if not data.get("severity"):
                self.add_error("severity", "请选择严重程度")
        return data

    def answers(self):
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.template_items}


class RectifyForm(forms.Form):
    note = forms.CharField(label="整改情况", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultiFileField(label="整改照片或佐证材料（JPG、PNG、PDF，每个不超过10MB）")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
        self.fields["files"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf"


class RoundForm(forms.Form):
    regime = forms.ModelChoiceField(label="检测制度", queryset=TestingRegime.objects.none())
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    day = DateField(label="检测日期", widget=DATE)
    headcount = forms.IntegerField(label="在岗人数", min_value=0, max_value=100_000)
    tested = forms.IntegerField(label="实检人数", min_value=0, max_value=100_000)
    tubes = forms.IntegerField(label="采样管数", min_value=0, max_value=100_000)
    team = forms.CharField(label="采样队伍", max_length=100, required=False)
    sampling_point = forms.ModelChoiceField(label="采样点", queryset=None, required=False)

    def __init__(self, *args, event=None, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SamplingPoint

        self.fields["regime"].queryset = TestingRegime.objects.filter(event=event)
        self.fields["enterprise"].queryset = enterprises if enterprises is not None else Enterprise.objects.none()
        self.fields["sampling_point"].queryset = SamplingPoint.objects.filter(event=event)
        styled(self)


class RegimeForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield
        model = TestingRegime
        fields = ["name", "scope", "tier", "group", "enterprise", "every_days", "sample_pct", "pool_size", "cohort", "cohort_days",
                  "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"] = forms.ChoiceField(label="产值档次", required=False,
                                                choices=[("", "—")] + list(analysis.TIER_NAMES.items()))
        styled(self)

    def clean(self):
        data = super().clean()
        if data.get("scope") == TestingRegime.Scope.TIER and not data.get("tier"):
            self.add_error("tier", "请选择产值档次")
        if data.get("scope") == TestingRegime.Scope.GROUP and not data.get("group"):
            self.add_error("group", "请选择企业分组")
        if data.get("scope") == TestingRegime.Scope.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", "请选择企业")
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        if data.get("cohort") == TestingRegime.Cohort.NEW_HIRES and not (data.get("cohort_days") or "").strip():
            self.add_error("cohort_days", "请填写入职第几天检测，如 1,3,7")
        return data
