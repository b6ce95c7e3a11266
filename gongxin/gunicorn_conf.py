"""gunicorn settings for `make run` and production: `gunicorn -c python:gongxin.gunicorn_conf gongxin.wsgi`.

Sizes and logging come from gongxin/settings.py (the one place that reads the environment).
"""

from gongxin import settings

workers = settings.WEB_WORKERS
threads = settings.WEB_THREADS
worker_class = "gthread"
accesslog = "-"  # stdout, one line per request
errorlog = "-"
access_log_format = '{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(b)s", "ms": %(M)s}'
timeout = 60
graceful_timeout = 20
preload_app = True  # import Django once, fork workers (less memory, faster start)
