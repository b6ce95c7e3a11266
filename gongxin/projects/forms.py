import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from gongxin.accounts.models import Role
from gongxin.accounts.scoping import region_q
from gongxin.lib import periods
from gongxin.lib.forms import DateField, formfield
from gongxin.registry.models import Enterprise, Industry, Region

from .models import FundProgramme, Programme, Project, ProjectDocument, Stage

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = formfield
        model = Project
        fields = ["code", "name", "enterprise", "town", "industry", "type", "content", "total_investment",
                  "equipment_investment", "planned_start", "planned_completion", "is_key", "key_year",
                  "programmes", "officers", "record_number"]
        widgets = {"planned_start": DATE, "planned_completion": DATE, "content": forms.Textarea(attrs={"rows": 3}),
                   "programmes": forms.CheckboxSelectMultiple, "officers": forms.CheckboxSelectMultiple}
        error_messages = {"code": {"unique": "该项目编号已存在，请换一个编号"}}  # = services.CODE_TAKEN

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")
        # A town officer's form offers and accepts only their own towns (scope at write time).
        self.fields["town"].queryset = Region.objects.towns().filter(region_q(user))
        self.fields["town"].required = False
        self.fields["industry"].queryset = Industry.objects.filter(parent__isnull=True)
        self.fields["industry"].required = False
        self.fields["programmes"].queryset = Programme.objects.all()
        staff = get_user_model().objects.filter(
            memberships__role__in=[Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.TOWN_OFFICER]).distinct()
        self.fields["officers"].queryset = staff.order_by("username")
        self.fields["officers"].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_enterprise(self):
        enterprise = self.cleaned_data["enterprise"]
        town = self.data.get("town")
        if enterprise is not None and not town and not self.fields["town"].queryset.filter(
                pk=enterprise.town_id).exists():
            raise forms.ValidationError("该企业不在您负责的镇街")
        return enterprise

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not all(c.isalnum() or c == "-" for c in code):
            raise forms.ValidationError("项目编号只能包含字母、数字和“-”")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_completion")
        if start and end and end < start:
            self.add_error("planned_completion", "计划竣工日期不能早于计划开工日期")
        total, equipment = data.get("total_investment"), data.get("equipment_investment")
        if total is not None and total <= 0:
            self.add_error("total_investment", "计划总投资须大于0")
        if total is not None and equipment is not None and equipment > total:
            self.add_error("equipment_investment", "设备投资不能大于计划总投资")
        if data.get("is_key") and not data.get("key_year"):
            self.add_error("key_year", "重点项目须填写年度")
        return data


class StageForm(forms.Form):
    action = forms.CharField()
    date = DateField(label="日期", widget=DATE, initial=dt.date.today)
    note = forms.CharField(label="说明/原因", required=False, max_length=300)
    record_number = forms.CharField(label="备案号", required=False, max_length=60)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InvestmentForm(forms.Form):
    period = forms.CharField(label="报告期", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # checked by bounds.version
    month = forms.DecimalField(label="本月完成投资（万元）", max_digits=14, decimal_places=2, min_value=0)
    ytd = forms.DecimalField(label="1-本月完成投资（万元）", max_digits=14, decimal_places=2, min_value=0)

    def clean_period(self):
        try:
            return periods.parse_period(self.cleaned_data["period"])
        except periods.PeriodError as e:
            raise forms.ValidationError(str(e)) from e


class DocumentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=150, required=False)
    kind = forms.ChoiceField(label="类别", choices=ProjectDocument.Kind.choices)
    number = forms.CharField(label="文号", max_length=60, required=False)
    file = forms.FileField(label="附件")


class FundActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("review", "审核"), ("approve", "批准"), ("reject", "驳回"),
                                        ("disburse", "拨付")])
    date = DateField(label="日期", widget=DATE, initial=dt.date.today)
    amount = forms.DecimalField(label="金额（万元）", required=False, max_digits=14, decimal_places=2)
    note = forms.CharField(label="备注/原因", required=False, max_length=300)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FundApplicationForm(forms.Form):
    """申报: a project's application for a fund programme (the project is fixed or chosen in scope)."""

    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none())
    fund = forms.ModelChoiceField(label="扶持资金", queryset=FundProgramme.objects.all())
    requested = forms.DecimalField(label="申请金额（万元）", max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    applied_on = DateField(label="申报日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 initial=dt.date.today, required=False,
                                 help_text="留空为今天")
    note = forms.CharField(label="备注", max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：申报依据、项目进展"}))

    def __init__(self, *args, projects=None, fixed_project=None, can_backdate=False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_project is not None:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = (projects.exclude(stage=Stage.TERMINATED)
                                               .select_related("enterprise").order_by("code"))
            self.fields["project"].label_from_instance = lambda p: f"{p.code} {p.name}（{p.enterprise.name}）"
        self.fields["fund"].queryset = FundProgramme.objects.order_by("-year", "name")
        self.fields["fund"].empty_label = "请选择扶持资金"
        if "project" in self.fields:
            self.fields["project"].empty_label = "请选择项目"
        if not can_backdate:
            del self.fields["applied_on"]

    def clean_applied_on(self):
        day = self.cleaned_data["applied_on"] or dt.date.today()
        if day > dt.date.today():
            raise forms.ValidationError("申报日期不能晚于今天")
        return day


class ProgrammeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = formfield
        model = Programme
        fields = ["name", "year", "level", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})


class FundProgrammeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = formfield
        model = FundProgramme
        fields = ["name", "year", "budget", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if budget <= 0:
            raise forms.ValidationError("预算须大于0")
        return budget
