"""Who may read the brief (page, .docx, meeting-pack workbook, charts), and what each sees."""

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from gongxin.briefs import brief
from gongxin.testing import make_enterprise, personas

from .helpers import article_county

pytestmark = pytest.mark.django_db
URLS = ["/analysis/brief/?period=2022-03", "/analysis/brief/section/overview/?period=2022-03",
        "/analysis/brief/brief.docx?period=2022-03",
        "/analysis/brief/pack.xlsx?period=2022-03", "/analysis/brief/chart/towns.png?period=2022-03"]


@pytest.fixture
def people():
    a, b = article_county()
    return personas(a, b)


@pytest.mark.parametrize("url", URLS)
def test_bureau_leader_and_town_officer_may_read_others_may_not(client, people, url):
    for name in ("analyst", "leader", "town", "admin"):
        client.force_login(people[name])
        assert client.get(url).status_code == 200, name
    for name in ("reporter", "nobody"):
        client.force_login(people[name])
        assert client.get(url).status_code == 403, name
    client.logout()
    assert client.get(url).status_code == 302


def _page_and_sections(client, path):
    """The brief page and every section fragment it asks for, as one text."""
    html = client.get(path).content.decode()
    fragments = re.findall(r'hx-get="(/analysis/brief/section/[a-z]+/\?period=[0-9-]+)"', html)
    return html, [client.get(url).content.decode() for url in fragments]


def test_page_shows_its_outline_at_once_and_each_section_loads_on_its_own(client, people):
    client.force_login(people["analyst"])
    html, sections = _page_and_sections(client, "/analysis/brief/?period=2022-03")
    assert "2022年一季度全市工业经济运行情况分析" in html
    assert "累计完成184.0亿元" not in html  # the figures come with the sections
    assert html.count('hx-trigger="load"') == len(sections) == 8
    assert "正在生成本部分" in html and 'data-download="正在生成Word材料…"' in html
    assert "/analysis/brief/brief.docx?period=2022-03" in html
    headings = [re.search(r"<h2[^>]*>([^<]+)</h2>", s).group(1) for s in sections]
    assert headings == ["一、总体情况", "二、分镇街情况", "三、分行业情况", "四、重点企业", "五、重点产品", "六、技改项目",
                        "七、运行预警", "八、报送情况"]
    assert "累计完成184.0亿元，同比增长22.7%" in sections[0]
    assert "/analysis/brief/chart/series.png?period=2022-03" in sections[0]
    # The sections together are the brief: the same paragraphs as the .docx and the text output.
    whole = brief.build("2022-03")
    for fragment, section in zip(sections, whole.sections, strict=True):
        for text in section.paragraphs:
            assert text in fragment


def test_an_unknown_section_is_404_and_an_absent_one_is_empty(client, people):
    client.force_login(people["analyst"])
    assert client.get("/analysis/brief/section/nope/?period=2022-03").status_code == 404
    response = client.get("/analysis/brief/section/resumption/?period=2022-03")  # no emergency event
    assert response.status_code == 200 and response.content == b""


def test_town_officer_gets_the_brief_of_their_town_only(client, people):
    client.force_login(people["town"])
    html, sections = _page_and_sections(client, "/analysis/brief/?period=2022-03")
    assert "2022年一季度荆河街道工业经济运行情况分析" in html
    assert "累计完成100.0亿元" in sections[0]  # enterprise A only
    text = html + "".join(sections)
    assert "乙化工有限公司" not in text and "龙泉街道" not in text


def test_docx_download_is_the_brief(client, people):
    client.force_login(people["leader"])
    response = client.get("/analysis/brief/brief.docx?period=2022-03")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "2022年一季度全市工业经济运行情况分析"


def test_meeting_pack_has_one_sheet_per_table(client, people):
    client.force_login(people["analyst"])
    response = client.get("/analysis/brief/pack.xlsx?period=2022-03")
    wb = load_workbook(io.BytesIO(response.content))
    tables = brief.build("2022-03").tables
    assert len(wb.sheetnames) == len(tables)
    towns = wb[next(n for n in wb.sheetnames if "分镇街规上工业总产值" in n)]
    assert towns["A1"].value == "镇街" and towns["C1"].value == "同比增长（%）"


def test_bad_period_is_a_clear_404(client, people):
    # Pages answer a bad, future or January period with 404 and lib.periods' message (issue 9/11).
    client.force_login(people["analyst"])
    for period, message in (("2022-13", "不是有效的年月"), ("2022-01", "请选择2022-02"), ("2030-05", "尚未结束")):
        response = client.get(f"/analysis/brief/?period={period}")
        assert response.status_code == 404
        assert message in response.content.decode()


def test_unknown_chart_is_404(client, people):
    client.force_login(people["analyst"])
    assert client.get("/analysis/brief/chart/nope.png?period=2022-03").status_code == 404


def test_without_any_returns_the_page_says_so(client, db):
    make_enterprise()
    people = personas()
    client.force_login(people["analyst"])
    assert "暂无已报送的产值报表" in client.get("/analysis/brief/").content.decode()
