"""Every form with a file box, as each persona finds them, sent the files a user mistakes or a caller
forges: an empty file, a PNG named .pdf, a program named .pdf, a name of 300 characters, a name that
climbs out of the media folder, an image that is not one. The answer is a page or a redirect —
never a server error — and what was stored holds no over-long text, and every stored file lies inside
MEDIA_ROOT under a name its column holds."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from .crawl import PDF, filled, png, post_rolled_back
from .stored import kept_badly

pytestmark = pytest.mark.django_db
PNG = png()
FILES = [("空.pdf", b"", "application/pdf"), ("伪装.pdf", PNG, "application/pdf"),
         ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf"), ("长" * 300 + ".pdf", PDF, "application/pdf"),
         ("长" * 300 + ".png", PNG, "image/png"),
         ("../../../etc/passwd.pdf", PDF, "application/pdf"), ("照片.png", PDF, "image/png"),
         ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg")]


def files_badly(tables):
    """(model, field, name) of every stored file, in the written tables, outside MEDIA_ROOT or named
    longer than its column."""
    root, found = Path(settings.MEDIA_ROOT).resolve(), []
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                for name in model._default_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True):
                    if ".." in Path(name).parts or not (root / name).resolve().is_relative_to(root) \
                            or len(name) > f.max_length:
                        found.append((model._meta.label, f.name, name[:60]))
    return found


@pytest.mark.parametrize("who", ["bureau", "town", "enterprise", "supplier"])
def test_a_bad_file_in_any_upload_form_is_refused_cleanly(pages, who, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    user, client, crawled = pages(who)
    done, failures = set(), []
    for form in [f for _, page in crawled for f in page.forms if f.method == "post"]:
        for box in [f for f in form.fields if f.type == "file" and f.name]:
            for name, content, content_type in FILES:
                key = (form.kind, re.sub(r"\d+", "#", box.name), name)
                if key in done:
                    continue
                done.add(key)
                data = filled(form, box.name, SimpleUploadedFile(name, content, content_type=content_type))
                wrong = post_rolled_back(client, form.action, data,
                                         lambda tables: kept_badly(tables) + files_badly(tables))
                if wrong:
                    failures.append((form.action, box.name, name[:20], wrong))
                client.force_login(user)
    assert done, "the crawl found no upload form"
    assert not failures, "\n".join(map(str, failures))
