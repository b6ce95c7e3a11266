"""Reading the site as a browser would, for the sweeps: a page's links and its forms with their fields
(stdlib html.parser — the pages are our own well-formed templates), a crawl from a persona's menu
(the `pages` fixture in conftest.py), a form filled as a user would (`filled`), and the tables a
request wrote (`Writes`).
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from PIL import Image

from gongxin.accounts.scoping import get_access
from gongxin.lib.idcard import make_id_number
from gongxin.menu import menu_for
from gongxin.registry.models import Enterprise

from .hardening import xlsx

TEXT_TYPES = {"text", "search", "tel", "email", "url", ""}


@dataclass
class Field:
    tag: str  # input, textarea, select, button
    type: str
    name: str
    value: str
    attrs: dict
    options: list = field(default_factory=list)  # a select's option values, the selected one first

    @property
    def is_text(self):
        return (self.tag == "textarea" or (self.tag == "input" and self.type in TEXT_TYPES)) \
            and "readonly" not in self.attrs and "disabled" not in self.attrs


@dataclass
class Form:
    page: str
    method: str
    action: str
    attrs: dict
    fields: list = field(default_factory=list)

    @property
    def kind(self):
        return _kind(self.action)

    @property
    def buttons(self):
        """The named submit buttons, each a (name, value) a click would send; [None] when none is named."""
        named = [(f.name, f.value) for f in self.fields if f.tag == "button" or f.type == "submit"]
        named = [b for b in named if b[0]]
        return list(dict.fromkeys(named)) or [None]

    def data(self, text="测试", **override):
        """What a user who filled every box would send: hidden and prefilled values kept, a box left
        empty filled with `text` (number boxes 1, dates the first of March 2022), the selected or first
        non-empty option, checked boxes; `override` replaces by name."""
        out = {}
        for f in self.fields:
            if not f.name or f.tag == "button" or f.type in ("submit", "button", "reset", "file", "image"):
                continue
            if "disabled" in f.attrs:
                continue
            if f.tag == "select":
                choice = next((o for o in f.options if o), f.options[0] if f.options else "")
                out.setdefault(f.name, choice)
            elif f.type == "checkbox":
                if "checked" in f.attrs:
                    out.setdefault(f.name, []).append(f.value or "on")
            elif f.type == "radio":
                if "checked" in f.attrs or f.name not in out:
                    out[f.name] = f.value
            elif f.value:
                out.setdefault(f.name, f.value)
            elif f.type == "number" or f.attrs.get("inputmode") in ("numeric", "decimal"):
                out.setdefault(f.name, "1")
            elif f.type == "date":
                out.setdefault(f.name, "2022-03-01")
            elif f.type == "month":
                out.setdefault(f.name, "2022-03")
            elif f.type == "password" or f.type == "hidden":
                out.setdefault(f.name, f.value)
            else:
                out.setdefault(f.name, text)
        out.update(override)
        return out


class _Page(HTMLParser):
    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url, self.links, self.downloads, self.fragments, self.forms = url, [], [], [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if a.get("hx-get", "").startswith("/"):  # a part of the page htmx loads (a brief's section)
            self.fragments.append(urljoin(self.url, a["hx-get"]))
        if tag == "a" and a.get("href", "").startswith("/"):
            (self.downloads if "data-download" in a else self.links).append(urljoin(self.url, a["href"]))
        elif tag == "form":
            method = "post" if (a.get("method", "get").lower() == "post" or "hx-post" in a) else "get"
            action = a.get("hx-post") or a.get("action") or self.url
            self._form = Form(self.url, method, urljoin(self.url, action), a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button"):
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            self._form.fields.append(Field(tag, kind, a.get("name", ""), a.get("value", ""), a))
        elif tag == "select":
            self._select = Field("select", "select", a.get("name", ""), "", a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if "selected" in a:
                self._select.options.insert(0, value)
            else:
                self._select.options.append(value)
        elif tag == "textarea":
            self._textarea = Field("textarea", "textarea", a.get("name", ""), "", a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read(url, html):
    page = _Page(url)
    page.feed(html)
    page.html = html
    return page


def _kind(url):
    """One page per URL pattern: a list's hundred rows are one page to a sweep."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, user, *, per_kind=1, limit=400, skip=("/accounts/logout/",)):
    """Every page a persona reaches from its menu within two clicks, one per URL pattern (`per_kind`),
    as (url, parsed page); downloads and other non-HTML answers are passed over."""
    start = [e["url"] for g in menu_for(get_access(user), "/") for e in g["entries"]]
    queue, seen, kinds, pages = [("/", 0)] + [(u, 0) for u in start], set(), {}, []
    while queue and len(pages) < limit:
        url, depth = queue.pop(0)
        path = urlsplit(url)._replace(fragment="").geturl()
        kind = _kind(path)
        if path in seen or kind is None or any(path.startswith(s) for s in skip):
            continue
        seen.add(path)
        if kinds.get(kind, 0) >= per_kind:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        page = read(path, response.content.decode())
        pages.append((path, page))
        if depth < 2:
            queue.extend((link, depth + 1) for link in page.links)
    return pages


# ---------------------------------------------------------------- filling a form

# Boxes whose value must have a form before the box under test is looked at (by name); USCC and
# enterprise boxes get the first demo enterprise's code.
SAMPLES = [(re.compile(p), v) for p, v in [
    (r"phone$", "13805371234"), (r"(^|_)id(_number)?$", make_id_number()), (r"plate", "鲁D12345"),
    (r"^code$", "T-1"), (r"year$", "2022"), (r"expir|valid_until", "2030-12-31"),
]]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png():
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "PNG")
    return buf.getvalue()


def upload(box):
    accept = box.attrs.get("accept", "")
    if "xlsx" in accept and "pdf" not in accept:
        return SimpleUploadedFile("测试.xlsx", xlsx([["测试"]]))
    if "image" in accept:
        return SimpleUploadedFile("测试.png", png(), content_type="image/png")
    return SimpleUploadedFile("测试.pdf", PDF, content_type="application/pdf")


def filled(form, name=None, value=None):
    """The form as a user would send it (Form.data, then the samples by name, today for a date, a
    small file of the accepted kind), with `name` holding `value` when given."""
    data = form.data(text="测试")
    samples = SAMPLES + [(re.compile(r"uscc$|^enterprise$"), Enterprise.objects.order_by("uscc")[0].uscc)]
    for f in form.fields:
        if f.name in data and (f.is_text or f.type == "number") and not f.value:
            sample = next((v for p, v in samples if p.search(f.name)), None)
            if sample:
                data[f.name] = sample
        if f.type == "date" and not f.value:
            data[f.name] = next((v for p, v in SAMPLES if p.search(f.name)), dt.date.today().isoformat())
        if f.type == "file" and f.name:
            data[f.name] = upload(f)
    if name is not None:
        data[name] = value
    return data


class Writes:
    """The tables the statements on this connection wrote to (an execute wrapper); `inserts` only
    when `updates` is False."""

    WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.I)

    def __init__(self, updates=True):
        self.tables, self.updates = set(), updates

    def __call__(self, execute, sql, params, many, context):
        m = self.WRITE.match(sql)
        if m and (self.updates or m.group(1).upper().startswith("INSERT")):
            self.tables.add(m.group(2))
        return execute(sql, params, many, context)


def post_rolled_back(client, url, data, check):
    """Post `data` to `url` in a savepoint rolled back afterwards, so every post meets the state its
    page showed. None when it went well, else what went wrong: the status of a server error, what
    `check` (written table names → problems) finds in the tables the post wrote, or the exception."""
    writes = Writes()
    try:
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                response = client.post(url, data)
            wrong = response.status_code if response.status_code >= 500 else \
                check(writes.tables) if writes.tables else None
            transaction.set_rollback(True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, not just the first
        return repr(e)[:300]
    return wrong or None
