"""Every generated file (workbook, Word document) is a download the pages can show progress for.

The handshake: a page's `<a data-download>` link fetches the file and saves it only when the answer
says `Content-Disposition: attachment` (static/js/gongxin.js); anything else is opened as a page.
So every export view answers through lib/export.py's download_response (xlsx_response uses it), and
every link to a generated file carries data-download. A new export route must be listed below, and
a new link to a file without data-download fails here.
"""

import inspect
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import URLResolver, get_resolver

from gongxin.accounts.models import Role
from gongxin.analysis.tests.helpers import make_product, make_return, output
from gongxin.lib.export import download_response
from gongxin.resumption.tests.helpers import make_event
from gongxin.testing import make_enterprise, make_user, town

DOWNLOAD_ROUTE = re.compile(r"\.(xlsx|docx|pdf)$|export")
TODAY = "2022-04-10"
P = "2022-03"

# Every route that answers with a generated file → a URL to request it with over `county` below, or
# None when it needs an object of its own (a dispatch, an application, a policy, a one-time password
# sheet): those views are still checked to answer through the shared helper, and their own app's tests
# request them.
DOWNLOADS = {
    "accounts/users/import/template.xlsx": "/accounts/users/import/template.xlsx",
    "accounts/users/import/passwords.xlsx": None,
    "enterprises/export.xlsx": "/enterprises/export.xlsx",
    "enterprises/import/template.xlsx": "/enterprises/import/template.xlsx",
    "returns/completeness/export.xlsx": f"/returns/completeness/export.xlsx?form=output&period={P}",
    "returns/import/template.xlsx": "/returns/import/template.xlsx",
    "analysis/export/<slug:identifier>/": f"/analysis/export/county/?period={P}",
    "analysis/products/import/template.xlsx": "/analysis/products/import/template.xlsx",
    "analysis/plans/template.xlsx": "/analysis/plans/template.xlsx",
    "analysis/brief/brief.docx": f"/analysis/brief/brief.docx?period={P}",
    "analysis/brief/pack.xlsx": f"/analysis/brief/pack.xlsx?period={P}",
    "projects/export.xlsx": "/projects/export.xlsx",
    "projects/import/template.xlsx": "/projects/import/template.xlsx",
    "reserves/export.xlsx": f"/reserves/export.xlsx?date={TODAY}",
    "reserves/dispatches/<str:number>/note.docx": None,
    "prevention/testing/workers/export/": "/prevention/testing/workers/export/",
    "resumption/export/": f"/resumption/export/?event=dl-covid&date={TODAY}",
    "resumption/applications/<int:pk>/certificate.docx": None,
    "permits/export.xlsx": "/permits/export.xlsx?event=dl-covid",
    "services/export.xlsx": "/services/export.xlsx",
    "services/bulletin.docx": "/services/bulletin.docx?month=2022-04",
    "services/policies/<int:pk>/not-benefited.xlsx": None,
}
# Downloads asked for by a query parameter of a page's own address.
QUERY_DOWNLOADS = [
    *(f"/analysis/export/{name}/?period={P}" for name in
      ("towns", "industries", "tiers", "groups", "risers", "fallers", "products", "ppi")),
    f"/analysis/plans/?kind=output&period={P}&export=1",
    f"/analysis/enterprises/?period={P}&by=town&code={{jinghe}}&format=xlsx",
]
FILE_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def routes(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p.callback


def download_routes():
    return {route: view for route, view in routes() if DOWNLOAD_ROUTE.search(route)
            and not route.startswith(("api/", "admin/"))}


def test_every_download_route_is_listed_here():
    assert sorted(download_routes()) == sorted(DOWNLOADS)


@pytest.mark.parametrize("route", sorted(DOWNLOADS))
def test_every_download_view_answers_through_the_shared_helper(route):
    source = inspect.getsource(inspect.unwrap(download_routes()[route]))
    assert "xlsx_response(" in source or "download_response(" in source, route


@pytest.fixture
def county(db):
    with time_machine.travel(TODAY):
        a = make_enterprise("甲机械有限公司", town_name="荆河街道")
        b = make_enterprise("乙化工有限公司", town_name="龙泉街道", industry="26")
        make_product("P1")
        make_return(a, P, values=output(4_000_000, 10_000_000, 3_500_000, 8_000_000),
                    lines={"P1": (10, 30, 8, 20, 110, 100)})
        make_return(b, P, values=output(3_000_000, 8_400_000, 2_000_000, 7_000_000))
        make_event("dl-covid")
    return make_user("dl_bureau", Role.BUREAU_ADMIN)


@pytest.mark.parametrize("url", [u for u in DOWNLOADS.values() if u] + QUERY_DOWNLOADS)
def test_every_download_answers_as_an_attachment(client, county, url):
    client.force_login(county)
    with time_machine.travel(TODAY):
        response = client.get(url.format(jinghe=town("荆河街道").code))
    assert response.status_code == 200, response.content[:300]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename"), disposition  # what the links wait for
    suffix = next(s for s in FILE_TYPES if s in disposition)
    assert response["Content-Type"] == FILE_TYPES[suffix]
    assert response.content[:2] == b"PK"  # a zipped Office file, not a page


def test_the_helper_answers_what_the_script_waits_for():
    response = download_response(b"PK..", FILE_TYPES[".xlsx"], "规上工业（2022年3月）.xlsx")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    script = (Path(settings.BASE_DIR) / "gongxin" / "static" / "js" / "gongxin.js").read_text()
    assert "/^\\s*attachment/i.test(disposition)" in script


FILE_LINK = re.compile(r"\.(xlsx|docx|pdf)\b|/export|[?&]export=|format=xlsx|template_url")


def test_every_link_to_a_generated_file_shows_progress():
    templates = [p for p in (Path(settings.BASE_DIR) / "gongxin").rglob("templates/**/*.html")]
    links, bare = 0, []
    for path in templates:
        for tag in re.findall(r"<a\s[^>]*>", path.read_text()):
            href = re.search(r'href="([^"]*)"', tag)
            if href and FILE_LINK.search(href.group(1)):
                links += 1
                if not re.search(r'data-download="[^"]+"', tag):
                    bare.append(f"{path.relative_to(settings.BASE_DIR)}: {tag}")
    assert links >= 30  # the pattern still finds the export links
    assert bare == []
