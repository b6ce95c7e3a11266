"""Output shapes of the API (they make the OpenAPI schema; the data come from each app's own queries)."""

from rest_framework import serializers

from gongxin.lib.masking import mask_phone
from gongxin.registry.models import Enterprise, Industry, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "code9", "name", "level", "parent"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name"]


class EnterpriseSerializer(serializers.ModelSerializer):
    town = serializers.CharField(source="town.code")
    town_name = serializers.CharField(source="town.name")
    industry = serializers.CharField(source="industry.code", default=None, allow_null=True)
    list_years = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "town", "town_name", "industry", "list_years", "groups", "contact_phone"]

    def get_list_years(self, obj) -> list[int]:
        return sorted(ly.year for ly in obj.list_years.all())

    def get_groups(self, obj) -> list[str]:
        return [g.name for g in obj.groups.all()]

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone or "")


class FiguresSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True)
    ytd = serializers.CharField(allow_null=True)
    month_ly = serializers.CharField(allow_null=True)
    ytd_ly = serializers.CharField(allow_null=True)


class ReturnValueSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True)
    ytd = serializers.CharField(allow_null=True)
    month_ly = serializers.CharField(allow_null=True)
    ytd_ly = serializers.CharField(allow_null=True)


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField()
    form = serializers.CharField()
    period = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    source = serializers.CharField()
    values = serializers.DictField(child=ReturnValueSerializer())
    updated_at = serializers.DateTimeField()


class ReturnWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**9)
    values = serializers.DictField(child=serializers.DictField(child=serializers.CharField(allow_null=True,
                                                                                           max_length=40)),
                                   required=False)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.IntegerField()
    at = serializers.DateTimeField()
    resource = serializers.CharField()
    action = serializers.CharField()
    kind = serializers.ChoiceField(choices=["upsert", "delete"])
    key = serializers.DictField()
    data = serializers.DictField(allow_null=True)


class ChangesSerializer(serializers.Serializer):
    next_cursor = serializers.IntegerField()
    changes = ChangeSerializer(many=True)
