"""Development settings for looking at the brief's pages before analysis/urls.py includes them."""

from gongxin.settings import *  # noqa: F403

ROOT_URLCONF = "gongxin.analysis.tests.urls_brief"
