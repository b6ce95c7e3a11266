"""Issue 10, items 9 and 10: headers and deployment settings; imports refuse out-of-range data."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.registry.models import Enterprise
from gongxin.registry.services import import_enterprises
from gongxin.testing import make_user

from .hardening import logged_in

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "gongxin").rglob("templates/**/*.html"))


def test_check_deploy_is_clean_with_production_settings():
    env = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "gx.example.gov.cn",
           "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto", "SECURE_SSL_REDIRECT": "true", "PATH": "/usr/bin:/bin",
           "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "gongxin.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_unless_the_environment_turns_it_on():
    env = {"SECRET_KEY": secrets.token_urlsafe(60), "PATH": "/usr/bin:/bin", "DEBUG": "",
           "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}"}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='gongxin.settings'; django.setup(); " \
           "from django.conf import settings; print(settings.DEBUG, settings.SECURE_HSTS_SECONDS)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["False", "31536000"], result.stderr


def test_every_variable_the_settings_read_is_documented():
    """README's configuration table and .env.example name every variable settings.py reads."""
    settings_py = (ROOT / "gongxin" / "settings.py").read_text()
    read = set(re.findall(r'env(?:str|int|bool)\("([A-Z_]+)"', settings_py))
    assert {"DEBUG", "DATABASE_URL", "PRODUCTS_BASIS", "RESCAN_DELAY_MS"} <= read  # the pattern finds them
    readme, example = (ROOT / "README.md").read_text(), (ROOT / ".env.example").read_text()
    assert sorted(v for v in read if f"`{v}`" not in readme) == []
    assert sorted(v for v in read if not re.search(rf"^#? ?{v}\b", example, re.M)) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_event_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: move it to static/<app>/*.js"
    assert not re.search(r"\son[a-z]+\s*=", text), "on*= handler: use data attributes and a static script"


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = logged_in(make_user("analyst1", "bureau_staff")).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split(
        "script-src")[1].split(";")[0]


# ---------------------------------------------------------------- item 10


def enterprise_rows(**cells):
    headers = ["统一社会信用代码", "企业名称", "所属镇街", "行业代码", "成立日期"]
    row = {"统一社会信用代码": "91350100M000100Y43", "企业名称": "滕州示例机械有限公司", "所属镇街": "荆河街道",
           "行业代码": "34", "成立日期": "2010-05-01"} | cells
    return [headers, [row[h] for h in headers]]


@pytest.mark.django_db
@pytest.mark.parametrize("cells,message", [
    ({"企业名称": "长" * 500}, "企业名称最多100个字，收到500个字"),
    ({"成立日期": "0001-01-01"}, "成立日期应在1900-01-01至"),
    ({"成立日期": "9999-12-31"}, "成立日期应在1900-01-01至"),
])
def test_enterprise_import_refuses_out_of_range_data(cells, message):
    report = import_enterprises(enterprise_rows(**cells))
    assert not report.ok and any(message in str(e) for e in report.errors), report.errors
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_enterprise_import_page_names_the_bad_cell():
    from .hardening import xlsx

    client = logged_in(make_user("analyst1", "bureau_staff"))
    upload = SimpleUploadedFile("e.xlsx", xlsx(enterprise_rows(**{"企业名称": "长" * 500})))
    response = client.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 400 and "企业名称最多100个字" in response.content.decode()
