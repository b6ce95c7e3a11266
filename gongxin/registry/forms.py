from django import forms

from gongxin.lib.forms import formfield
from gongxin.lib.uscc import USCCError, normalize, validate_uscc

from .models import Enterprise, EnterpriseGroup, Industry, Region


class EnterpriseForm(forms.ModelForm):
    list_years = forms.CharField(label="规上名录年份", required=False, max_length=200,
                                 help_text="在规上名录中的年份，用逗号分隔，如 2021,2022")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = formfield
        model = Enterprise
        fields = ["uscc", "name", "former_names", "town", "industry", "address", "legal_rep",
                  "contact_name", "contact_phone", "founded", "status", "groups",
                  "uscc_override", "uscc_override_reason"]
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "founded": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "groups": forms.CheckboxSelectMultiple,
        }
        error_messages = {"uscc": {"unique": "该统一社会信用代码的企业已存在"}}  # = services.USCC_TAKEN

    def __init__(self, *args, is_admin=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_admin = is_admin
        self.fields["town"].queryset = Region.objects.towns()
        self.fields["town"].empty_label = "请选择镇街"
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["industry"].empty_label = "请选择行业（大类或小类）"
        self.fields["groups"].queryset = EnterpriseGroup.objects.all()
        if not is_admin:
            # Only a bureau admin may accept a code that fails GB 32100 (some issued codes do not check).
            del self.fields["uscc_override"]
            del self.fields["uscc_override_reason"]
        if self.instance.pk:
            self.fields["list_years"].initial = ",".join(map(str, self.instance.years_on_list))
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs["class"] = "form-select" if name in ("town", "industry", "status") else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # Tabler marks the field red
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean_founded(self):
        from .services import founded_bounds

        try:
            return founded_bounds(self.cleaned_data["founded"])
        except ValueError as e:
            raise forms.ValidationError(str(e)) from e

    def clean_uscc(self):
        return normalize(self.cleaned_data["uscc"])

    def clean_former_names(self):
        from .services import join_names

        return join_names(self.cleaned_data.get("former_names", "").splitlines())

    def clean_list_years(self):
        return parse_years(self.cleaned_data.get("list_years"))

    def clean(self):
        data = super().clean()
        code = data.get("uscc")
        override = data.get("uscc_override") if self.is_admin else self.instance.uscc_override
        if code:
            try:
                validate_uscc(code)
                if self.is_admin:
                    data["uscc_override"] = False
            except USCCError as e:
                unchanged = self.instance.pk and self.instance.uscc == code and self.instance.uscc_override
                if not override and not unchanged:
                    hint = "；如确认该代码无误，请系统管理员勾选“代码未通过校验（管理员确认）”并填写理由"
                    self.add_error("uscc", str(e) + hint)
                elif self.is_admin and override and not data.get("uscc_override_reason"):
                    self.add_error("uscc_override_reason", "确认未通过校验的代码时必须填写理由")
        return data


def parse_years(text):
    """'2021, 2022' → [2021, 2022]; ValidationError for anything else."""
    years = []
    for part in str(text or "").replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.endswith(".0"):
            part = part[:-2]
        if not (part.isascii() and part.isdecimal() and len(part) == 4) or not 1990 <= int(part) <= 2100:
            raise forms.ValidationError(f"年份“{part}”无效")
        years.append(int(part))
    return sorted(set(years))
