"""The application form (phone-first): vehicle, up to three people, origin, destination, cargo, window."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongxin.lib.idcard import IDNumberError, validate_id_number

from . import divisions
from .models import Checkpoint, Permit, PersonProfile, Urgency
from .validators import validate_plate

MAX_PEOPLE = 3
MAX_CERTIFICATE_MB = 5
MAX_WINDOW_DAYS = 7
VEHICLE_TYPES = ["重型货车", "中型货车", "轻型货车", "厢式货车", "冷藏车", "危险品运输车", "小型客车", "其他"]
# What a certificate may be, told by its first bytes (never by its name or declared type).
SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def check_certificate(upload):
    if upload.size > MAX_CERTIFICATE_MB * 1024 * 1024:
        raise ValidationError(f"核酸检测证明文件不能超过{MAX_CERTIFICATE_MB}MB")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES):
        raise ValidationError("核酸检测证明只接受PDF、JPG或PNG文件（按文件内容识别）")
    return upload


def _local_input(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            return _local_input(value)
        return value


def _dt_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocal(),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class PermitForm(forms.Form):
    national_pass_no = forms.CharField(label="全国通行证编号（选填，可带出车辆信息）", max_length=40, required=False)
    plate = forms.CharField(label="车牌号", max_length=10, widget=forms.TextInput(attrs={"placeholder": "鲁D12345",
                                                                                     "autocapitalize": "characters"}))
    vehicle_type = forms.ChoiceField(label="车辆类型", choices=[(v, v) for v in VEHICLE_TYPES])
    kind = forms.ChoiceField(label="通行方式", choices=Permit.Kind.choices, initial=Permit.Kind.DIRECT)
    transfer_point = forms.ModelChoiceField(label="接驳点（接驳转运时必填）", queryset=Checkpoint.objects.none(),
                                            required=False)
    origin_province = forms.ChoiceField(label="出发地（省）")
    origin_city = forms.CharField(label="出发地（市）", max_length=6, required=False, widget=forms.Select())
    origin_county = forms.CharField(label="出发地（县/区）", max_length=6, widget=forms.Select())
    dest_address = forms.CharField(label="目的地地址", max_length=200)
    cargo = forms.CharField(label="运输货物", max_length=100)
    urgency = forms.TypedChoiceField(label="物资类别", choices=Urgency.choices, coerce=int)
    purpose = forms.CharField(label="事由", max_length=200, required=False)
    window_start = _dt_field("预计到达时间（起）")
    window_end = _dt_field("有效期至")
    route = forms.CharField(label="行驶路线", max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "京台高速—滕州北收费站—G104—企业"}))

    def __init__(self, *args, event=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["origin_province"].choices = [("", "请选择")] + divisions.provinces()
        if event is not None:
            self.fields["transfer_point"].queryset = Checkpoint.objects.filter(event=event, is_transfer_point=True)
        province = self.data.get("origin_province") or self.initial.get("origin_province")
        city = self.data.get("origin_city") or self.initial.get("origin_city")
        self.fields["origin_city"].widget.choices = [("", "请选择")] + (
            divisions.below(province) if province in divisions.names() else [])
        county_parent = city or province
        if county_parent and divisions.is_county(county_parent):
            counties = [(county_parent, divisions.names()[county_parent])]
        else:
            counties = divisions.below(county_parent) if county_parent in divisions.names() else []
        self.fields["origin_county"].widget.choices = [("", "请选择")] + counties
        profiles = PersonProfile.objects.filter(enterprise=enterprise) if enterprise else PersonProfile.objects.none()
        for i in range(MAX_PEOPLE):
            role = "驾驶员" if i == 0 else f"随车人员{i}"
            self.fields[f"p{i}_profile"] = forms.ModelChoiceField(
                label=f"{role}：选用常用人员", queryset=profiles, required=False, empty_label="（新填写）")
            self.fields[f"p{i}_profile"].label_from_instance = lambda x: f"{x.name} {x.masked_id}"
            self.fields[f"p{i}_name"] = forms.CharField(label=f"{role}姓名", max_length=30, required=False)
            self.fields[f"p{i}_id_number"] = forms.CharField(label=f"{role}身份证号码", max_length=18, required=False)
            self.fields[f"p{i}_phone"] = forms.RegexField(label=f"{role}手机号码", regex=r"^1[3-9]\d{9}$",
                                                          max_length=11, required=False,
                                                          error_messages={"invalid": "请填写11位手机号码"})
            self.fields[f"p{i}_test_sampled_at"] = _dt_field(f"{role}核酸采样时间", required=False)
            self.fields[f"p{i}_certificate"] = forms.FileField(label=f"{role}48小时核酸检测证明（PDF/JPG/PNG）",
                                                               required=False)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_plate(self):
        return validate_plate(self.cleaned_data["plate"])

    def clean_origin_county(self):
        code = self.cleaned_data["origin_county"]
        if not divisions.is_county(code):
            raise ValidationError("请选择出发地的县（区）")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end:
            if end <= start:
                self.add_error("window_end", "有效期止应晚于预计到达时间")
            elif end - start > dt.timedelta(days=MAX_WINDOW_DAYS):
                self.add_error("window_end", f"有效期最长{MAX_WINDOW_DAYS}天")
            elif end < timezone.now():
                self.add_error("window_end", "有效期已经过去")
        if data.get("kind") == Permit.Kind.TRANSFER and not data.get("transfer_point"):
            self.add_error("transfer_point", "接驳转运须选择接驳点")
        self.people = []
        seen = set()
        for i in range(MAX_PEOPLE):
            values = {f: data.get(f"p{i}_{f}") for f in ("name", "id_number", "phone", "test_sampled_at")}
            profile = data.get(f"p{i}_profile")
            if profile is not None:  # a reused person: what was typed wins over the profile
                for f in ("name", "id_number", "phone"):
                    values[f] = values[f] or getattr(profile, f)
            certificate = data.get(f"p{i}_certificate")
            if i and not any(values.values()) and not certificate:
                continue
            for f, label in (("name", "姓名"), ("id_number", "身份证号码"), ("phone", "手机号码"),
                             ("test_sampled_at", "核酸采样时间")):
                if not values[f] and f"p{i}_{f}" not in self.errors:
                    self.add_error(f"p{i}_{f}", f"请填写{label}")
            if values["id_number"]:
                try:
                    values["id_number"] = validate_id_number(values["id_number"])
                except IDNumberError as e:
                    self.add_error(f"p{i}_id_number", str(e))
                else:
                    if values["id_number"] in seen:
                        self.add_error(f"p{i}_id_number", "同一人员不能重复填写")
                    seen.add(values["id_number"])
            if values["test_sampled_at"] and values["test_sampled_at"] > timezone.now() + dt.timedelta(minutes=5):
                self.add_error(f"p{i}_test_sampled_at", "采样时间不能晚于现在")
            if certificate:
                try:
                    check_certificate(certificate)
                except ValidationError as e:
                    self.add_error(f"p{i}_certificate", e)
            values["name"] = (values["name"] or "").strip()
            values["certificate"] = certificate
            values["role"] = "driver" if i == 0 else "passenger"
            self.people.append(values)
        return data

    def permit_fields(self):
        d = self.cleaned_data
        return {
            "plate": d["plate"], "vehicle_type": d["vehicle_type"], "kind": d["kind"],
            "transfer_point": d.get("transfer_point") if d["kind"] == Permit.Kind.TRANSFER else None,
            "national_pass_no": d.get("national_pass_no", "").strip(),
            "origin_code": d["origin_county"], "origin_name": divisions.full_name(d["origin_county"])[:60],
            "dest_address": d["dest_address"], "cargo": d["cargo"], "urgency": d["urgency"],
            "purpose": d.get("purpose", ""), "window_start": d["window_start"], "window_end": d["window_end"],
            "route": d["route"],
        }

    def people_rows(self):
        return [{k: v for k, v in p.items()} for p in self.people]
