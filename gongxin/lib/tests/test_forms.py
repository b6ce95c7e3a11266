import pytest
from django import forms

from gongxin.lib.forms import refusal


class Report(forms.Form):
    problems = forms.CharField(label="存在问题", max_length=5, required=False)
    workers = forms.IntegerField(label="在岗人数", min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_a_refusal_names_each_field_the_user_typed_and_only_those():
    form = Report({"problems": "问题太多了吧", "workers": "3", "version": "1"})
    assert not form.is_valid()
    assert refusal(form) == "存在问题：确保该变量包含不超过 5 字符 (目前字符数 6)。"
    form = Report({"problems": "", "workers": "-1", "version": "1"})
    assert not form.is_valid()
    assert refusal(form).startswith("在岗人数：")


def test_a_hidden_field_error_asks_for_a_refresh_once():
    form = Report({"problems": "好", "workers": "2"})
    assert not form.is_valid()
    assert refusal(form) == "请求无效，请刷新后再试"


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2100_is_refused_with_its_label(text):
    from gongxin.lib.forms import DateField

    class F(forms.Form):
        day = DateField(label="检查日期")

    form = F({"day": text})
    assert not form.is_valid()
    assert refusal(form) == "检查日期：检查日期应在1900-01-01至2100-12-31之间"
    assert F({"day": "2100-12-31"}).is_valid() and F({"day": "1900-01-01"}).is_valid()
    assert 'min="1900-01-01"' in str(F()["day"]) and 'max="2100-12-31"' in str(F()["day"])


def test_a_model_forms_date_columns_are_bounded_through_the_callback():
    from gongxin.emergencies.forms import EventForm

    form = EventForm({"code": "x-1", "name": "测试", "kind": EventForm.base_fields["kind"].choices[1][0],
                      "level": EventForm.base_fields["level"].choices[1][0], "started_on": "0001-01-01"})
    assert not form.is_valid()
    assert "started_on" in form.errors and "1900-01-01" in form.errors["started_on"][0]
