"""Builders shared by the hardening tests (issue 10): workbooks, a project world, parallel POSTs."""

import io
import threading
import zipfile

from django.db import connection
from django.test import Client
from openpyxl import Workbook

from gongxin.projects.models import Project, Stage


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def far_cell_workbook():
    """The 1.6 KB workbook of item 4: one cell at XFD1048576 (the reader would allocate ~512 GB)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id='
                        f'"rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rels}">'
                            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                                       f'<Relationship Id="rId1" Type="{rels}/worksheet" '
                                       'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
                                     '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
                                     '</worksheet>'),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def make_project(enterprise, code="JG-H1", stage=Stage.BUILDING, **fields):
    return Project.objects.create(code=code, name=fields.pop("name", "智能化改造项目"), enterprise=enterprise,
                                  total_investment=fields.pop("total_investment", 1000), stage=stage, **fields)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def parallel(n, func):
    """Run func(i) in n threads released together; returns their results (exceptions included)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = func(i)
        except Exception as e:  # the test looks at what each thread got
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def make_warning(enterprise, period="2022-03"):
    from gongxin.alerts.models import EarlyWarning, WarningRule

    rule = WarningRule.objects.filter(kind=WarningRule.Kind.OUTPUT_FALL).first() or WarningRule.objects.create(
        code="output-fall", name="产值下降", kind=WarningRule.Kind.OUTPUT_FALL, level="yellow", threshold=-10,
        message="{name}产值下降")
    return EarlyWarning.objects.create(rule=rule, period=period, enterprise=enterprise, town=enterprise.town,
                                       level=rule.level, reason="产值同比下降")
