"""SQLite as Django ships it, except that a stored decimal it cannot give back never breaks a page.

SQLite does not enforce a column's precision: a value written before the numeric boundary
(lib/bounds.py) existed — `1e17` in a (20, 4) column — made every page reading it fail with
InvalidOperation. Here such a value reads as None and is logged and recorded (`bounds.anomalies()`),
and the page shows 数据异常 beside the rest of its figures. PostgreSQL enforces precision itself.
"""

from decimal import InvalidOperation

from django.db.backends.sqlite3 import base, operations

from gongxin.lib import bounds


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        convert = super().get_decimalfield_converter(expression)
        target = getattr(expression, "target", None)
        name = f"{target.model._meta.label}.{target.name}" if target is not None and target.model else "?"

        def converter(value, expression, connection):
            try:
                return convert(value, expression, connection)
            except (InvalidOperation, OverflowError, ValueError):
                bounds.unreadable(name, value)
                return None

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
