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
