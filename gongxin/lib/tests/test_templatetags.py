"""The one set of display filters: names say the units; no filter name is registered twice."""

from collections import Counter
from decimal import Decimal

from django.template import Context, Template, engines

from gongxin.lib.templatetags import numeric


def render(text, **values):
    return Template("{% load numeric %}" + text).render(Context(values))


def test_money_filters_say_their_units():
    assert numeric.qianyuan_to_yi(Decimal("7000000")) == "70.0"  # 千元 → 亿元
    assert numeric.qianyuan_to_wan(Decimal("12345")) == "1,234.5"  # 千元 → 万元
    assert numeric.wan_to_yi(Decimal("192000")) == "19.2"  # 万元 → 亿元
    assert numeric.wan_to_yi(Decimal("450"), 2) == "0.05"
    assert numeric.wanyuan(Decimal("4500")) == "4,500.00"
    assert numeric.wanyuan(Decimal("4500.04"), 1) == "4,500.0"
    for f in (numeric.qianyuan_to_yi, numeric.qianyuan_to_wan, numeric.wan_to_yi, numeric.wanyuan):
        assert f(None) == "—" and f("") == "—"


def test_filters_in_templates():
    assert render("{{ a|qianyuan_to_yi }}亿元 {{ b|wan_to_yi:2 }}亿元 {{ c|growth }} {{ c|trend }}",
                  a=Decimal("18400000"), b=Decimal("1234"), c=Decimal("23.8")) == "184.0亿元 0.12亿元 增长23.8% growth-up"


def test_no_filter_name_is_registered_by_two_libraries():
    engine = engines["django"].engine
    ours = [name for name, path in engine.libraries.items() if path.startswith("gongxin.")]
    assert "numeric" in ours and not {"analysis_tags", "projects_tags"} & set(ours)
    names = Counter(f for name in ours for f in engine.template_libraries[name].filters)
    assert [f for f, n in names.items() if n > 1] == []
