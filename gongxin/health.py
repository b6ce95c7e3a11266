"""`/healthz` for a monitor: 200 when the database answers and every migration is applied, else 503."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse


def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
    except DatabaseError as e:
        checks["database"] = f"error: {type(e).__name__}"
    ok = all(v == "ok" for v in checks.values()) and "migrations" in checks
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)
