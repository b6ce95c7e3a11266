"""Django admin for superusers' emergencies only: every change audited and validated like the app.

The bureau's everyday management is on Gongxin's own pages; the admin stays for a superuser to mend
what no page reaches. What makes it safe:

- only active superusers may enter (`has_permission`); bureau admins use the app's pages;
- every ModelAdmin registered on this site — ours, Django's UserAdmin, any app's — is wrapped in
  `AuditedAdmin`: each add, change (forms, list_editable, inlines), password change and delete leaves
  the same audit entry as the UI (`log_action`, codes `admin.create` / `admin.update` /
  `admin.delete`, old → new for every changed field; password hashes are never written), and a
  versioned row's version is bumped so that an app page opened before the change refuses its stale
  save;
- a date column takes 1900–2100 only (`lib.forms.DateField`, as every form of the app);
- validation is the model's own: `full_clean` runs every field's precision and domain validators
  (lib/bounds.py reads the same ones) and the model's `clean()` rules (e.g. a fund programme's budget
  may not fall below what it has approved).
"""

from django.contrib import admin
from django.db import models

from .audit import log_action

SECRET_FIELDS = {"password"}


def _text(value):
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _values(obj):
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _diff(obj, before):
    labels = {f.name: str(f.verbose_name) for f in obj._meta.concrete_fields}
    after = _values(obj)
    diff = {}
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            if name in SECRET_FIELDS:
                diff[labels[name]] = ["（已隐藏）", "（已修改）"]
            else:
                diff[labels[name]] = [_text(old), _text(new)]
    return diff


class AuditedAdmin:
    """Mixed in front of every ModelAdmin of the site (see module docstring)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A date column's box takes 1900–2100 only, as every form of the app (lib.forms.DateField)."""
        from gongxin.lib.forms import DateField

        if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("form_class", DateField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _before(self, obj):
        if obj.pk is None:
            return {}
        current = type(obj)._default_manager.filter(pk=obj.pk).first()
        return _values(current) if current is not None else {}

    def save_model(self, request, obj, form, change):
        before = self._before(obj) if change else {}
        if change and any(f.name == "version" for f in obj._meta.concrete_fields) and "version" in before:
            obj.version = (before["version"] or 0) + 1
        super().save_model(request, obj, form, change)
        obj._gongxin_admin_diff = _diff(obj, before)

    def save_formset(self, request, form, formset, change):
        befores = {id(f.instance): self._before(f.instance) for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for f in formset.forms:
            obj = f.instance
            if obj.pk is None or not f.has_changed() or f in getattr(formset, "deleted_forms", []):
                continue
            before = befores.get(id(obj), {})
            diff = _diff(obj, before)
            if diff:
                log_action(request.user, "admin.update" if before else "admin.create", obj, {"changes": diff})
        for obj in getattr(formset, "deleted_objects", []):
            log_action(request.user, "admin.delete", obj, {"changes": {}})

    def log_addition(self, request, obj, message):
        log_action(request.user, "admin.create", obj,
                   {"changes": getattr(obj, "_gongxin_admin_diff", {}), "message": str(message)[:500]})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        diff = getattr(obj, "_gongxin_admin_diff", None)
        if diff is None:  # a change not made through save_model: the password form
            diff = {"密码": ["（已隐藏）", "（已修改）"]} if "password" in str(message).lower() else {}
        log_action(request.user, "admin.update", obj, {"changes": diff, "message": str(message)[:500]})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            values = {str(f.verbose_name): [_text(getattr(obj, f.attname)), None]
                      for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS}
            log_action(request.user, "admin.delete", obj, {"changes": values})
        return super().log_deletions(request, queryset)


class GongxinAdminSite(admin.AdminSite):
    site_header = "工信运行监测平台 · 系统管理"
    site_title = "工信运行监测平台"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdmin):
            admin_class = type(f"Audited{admin_class.__name__}", (AuditedAdmin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
