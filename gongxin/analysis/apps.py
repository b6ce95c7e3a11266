from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "gongxin.analysis"
    label = "analysis"
    verbose_name = "运行分析"

    def ready(self):
        from django.core.signals import request_started

        from gongxin.lib import changes

        from . import rollups, stats

        # Reference ids are cached for one request at a time: an indicator added in the admin
        # is seen from the next request on.
        request_started.connect(stats.clear_reference_cache, dispatch_uid="gongxin_stats_cache")
        # The roll-ups are kept in the transaction of every change that alters what counts.
        if rollups.tracking_return not in changes.RETURN_TRACKERS:
            changes.RETURN_TRACKERS.append(rollups.tracking_return)
            changes.PAIR_TRACKERS.append(rollups.tracking)
            changes.ENTERPRISE_TRACKERS.append(rollups.tracking_enterprises)
