"""What the bureau maintains for analysis: PPI deflators, official added-value figures, town plans.

The figures are computed (analysis/stats.py); the `…Rollup` models hold their sums per cell,
kept by analysis/rollups.py in the same transaction as every change that alters what counts.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

INDEX = {"max_digits": 8, "decimal_places": 2}
TARGET = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True, "validators": [MinValueValidator(0)]}
# A growth rate beyond ±10,000% is a typing error (lib/bounds.GROWTH_LIMIT).
GROWTH = {"max_digits": 6, "decimal_places": 1,
          "validators": [MinValueValidator(-10000), MaxValueValidator(10000)]}


class PriceIndex(models.Model):
    """Producer price index of one industry division for one period (上年同期 = 100).

    `month_index` deflates the 本月 figure, `ytd_index` (1-本月 cumulative PPI) the 1-本月 figure.
    """

    division = models.ForeignKey("registry.Industry", models.PROTECT, related_name="price_indexes",
                                 verbose_name="行业大类")
    period = models.CharField("报告期", max_length=7)
    month_index = models.DecimalField("本月PPI（上年同月=100）", null=True, blank=True, **INDEX)
    ytd_index = models.DecimalField("1-本月PPI（上年同期=100）", null=True, blank=True, **INDEX)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工业生产者出厂价格指数"
        ordering = ["period", "division__code"]
        constraints = [
            models.UniqueConstraint(fields=["division", "period"], name="ppi_once_per_division_period"),
        ]
        indexes = [models.Index(fields=["period"], name="ppi_period_idx")]  # one period's table at a time

    def __str__(self):
        return f"{self.period} {self.division} {self.ytd_index}"


class AddedValueRate(models.Model):
    """A division's 增加值率 for a year (工业增加值 ÷ 工业总产值, percent), as the bureau maintains it.

    The added-value estimate (单缩法) multiplies each division's current-price output by this rate;
    last year's added value uses last year's rate.
    """

    division = models.ForeignKey("registry.Industry", models.PROTECT, related_name="added_value_rates",
                                 verbose_name="行业大类")
    year = models.PositiveSmallIntegerField("年度")
    rate_pct = models.DecimalField("增加值率（%）", max_digits=5, decimal_places=2)
    note = models.CharField("来源说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "分行业增加值率"
        ordering = ["year", "division__code"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year"], name="av_rate_once_per_division_year"),
            # A rate is a share of output: above 0, at most 100.
            models.CheckConstraint(name="av_rate_within_0_100",
                                   condition=models.Q(rate_pct__gt=0) & models.Q(rate_pct__lte=100)),
        ]

    def __str__(self):
        return f"{self.year} {self.division} {self.rate_pct}%"


class OfficialAddedValue(models.Model):
    """The statistics bureau's published 规上工业增加值 growth; takes precedence over the estimate."""

    period = models.CharField("报告期", max_length=7, unique=True)
    ytd_growth_pct = models.DecimalField("1-本月增速（%）", **GROWTH)
    month_growth_pct = models.DecimalField("本月增速（%）", null=True, blank=True, **GROWTH)
    note = models.CharField("来源说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="录入人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "规上工业增加值官方数"
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period} {self.ytd_growth_pct}%"


class TownPlan(models.Model):
    """A town's yearly guidance plan (指导计划): 规上工业总产值 (千元) and 工业技改投资 (万元)."""

    year = models.PositiveSmallIntegerField("年度")
    town = models.ForeignKey("registry.Region", models.PROTECT, related_name="plans", verbose_name="镇街")
    output_target = models.DecimalField("规上工业总产值目标（千元）", **TARGET)
    investment_target = models.DecimalField("工业技改投资目标（万元）", **TARGET)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "镇街指导计划"
        ordering = ["year", "town__code"]
        constraints = [models.UniqueConstraint(fields=["year", "town"], name="plan_once_per_town_year")]

    def __str__(self):
        return f"{self.year} {self.town}"


# ---------------------------------------------------------------- roll-ups (analysis/rollups.py keeps them)

# Sums of many 千元 amounts (4 places) and of price × quantity products (8 places).
ROLLUP_SUM = {"max_digits": 28, "decimal_places": 4, "default": 0}
ROLLUP_PRODUCT = {"max_digits": 40, "decimal_places": 8, "default": 0}
TIER_CHOICES = [("over_500m", "产值5亿元以上"), ("100m_500m", "产值1亿-5亿元"), ("under_100m", "产值1亿元以下"),
                ("untiered", "未分档")]


class ValueSums(models.Model):
    """The summed columns of an indicator's roll-up: Σ of the four columns and the value rows."""

    month = models.DecimalField("本月合计", **ROLLUP_SUM)
    ytd = models.DecimalField("1-本月合计", **ROLLUP_SUM)
    month_ly = models.DecimalField("上年同月合计", **ROLLUP_SUM)
    ytd_ly = models.DecimalField("上年1-同月合计", **ROLLUP_SUM)
    n = models.IntegerField("计入报表数", default=0)

    class Meta:
        abstract = True


class ProductSums(models.Model):
    """The summed columns of a key product's roll-up: what `stats.products()` sums over its lines."""

    n = models.IntegerField("产品行数", default=0)
    month = models.DecimalField("本月产量合计", **ROLLUP_SUM)
    ytd = models.DecimalField("1-本月产量合计", **ROLLUP_SUM)
    month_ly = models.DecimalField("上年同月产量合计", **ROLLUP_SUM)
    ytd_ly = models.DecimalField("上年1-同月产量合计", **ROLLUP_SUM)
    value = models.DecimalField("Σ价格×本月产量", **ROLLUP_PRODUCT)
    weight = models.DecimalField("Σ有价格行的本月产量", **ROLLUP_PRODUCT)
    mean = models.DecimalField("Σ价格", **ROLLUP_PRODUCT)
    priced = models.IntegerField("有价格行数", default=0)
    value_ly = models.DecimalField("Σ上年价格×上年同月产量", **ROLLUP_PRODUCT)
    weight_ly = models.DecimalField("Σ有上年价格行的上年同月产量", **ROLLUP_PRODUCT)
    mean_ly = models.DecimalField("Σ上年价格", **ROLLUP_PRODUCT)
    priced_ly = models.IntegerField("有上年价格行数", default=0)
    same_value = models.DecimalField("Σ价格×本月产量（两年均有价格）", **ROLLUP_PRODUCT)
    same_value_ly = models.DecimalField("Σ上年价格×本月产量（两年均有价格）", **ROLLUP_PRODUCT)
    same_n = models.IntegerField("两年均有价格行数", default=0)

    class Meta:
        abstract = True


class OutputRollup(ValueSums):
    """Σ of one 产值 indicator's four columns over the counted returns of one period × town × division × tier.

    Exactly what `stats.totals()` sums from the raw values (counted returns of listed enterprises,
    tier by last year's annual output); `n` counts the value rows. Kept in the same transaction as
    every change that alters what counts (analysis/rollups.py); `gongxin rollups --check` proves it.
    """

    period = models.CharField("报告期", max_length=7)
    town = models.ForeignKey("registry.Region", models.CASCADE, related_name="+", db_index=False, verbose_name="镇街")
    division = models.ForeignKey("registry.Industry", models.CASCADE, related_name="+", db_index=False, verbose_name="行业大类")
    tier = models.CharField("规模分档", max_length=12, choices=TIER_CHOICES)
    indicator = models.ForeignKey("reporting.Indicator", models.CASCADE, related_name="+", db_index=False, verbose_name="指标")

    class Meta:
        verbose_name = verbose_name_plural = "产值汇总（镇街×行业×规模）"
        constraints = [
            # One cell per key (the additive upsert's conflict target); period first, then what a
            # reading filters on: the one index every read and write uses (hence no index per key).
            models.UniqueConstraint(fields=["period", "indicator", "town", "division", "tier"],
                                    name="output_rollup_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.town_id}/{self.division_id}/{self.tier} {self.indicator_id}"


class GroupRollup(ValueSums):
    """Σ of one indicator over the counted returns of one period × enterprise group × town
    (an enterprise in several groups counts in each, as `totals(by="group")` does)."""

    period = models.CharField("报告期", max_length=7)
    group = models.ForeignKey("registry.EnterpriseGroup", models.CASCADE, related_name="+", db_index=False, verbose_name="企业分组")
    town = models.ForeignKey("registry.Region", models.CASCADE, related_name="+", db_index=False, verbose_name="镇街")
    indicator = models.ForeignKey("reporting.Indicator", models.CASCADE, related_name="+", db_index=False, verbose_name="指标")

    class Meta:
        verbose_name = verbose_name_plural = "产值汇总（企业分组）"
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "group", "town"], name="group_rollup_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.group_id}/{self.town_id} {self.indicator_id}"


class ProductRollup(ProductSums):
    """What `stats.products()` sums for one period × town × product over the counted product lines."""

    period = models.CharField("报告期", max_length=7)
    town = models.ForeignKey("registry.Region", models.CASCADE, related_name="+", db_index=False, verbose_name="镇街")
    product = models.ForeignKey("reporting.Product", models.CASCADE, related_name="+", db_index=False, verbose_name="产品")

    class Meta:
        verbose_name = verbose_name_plural = "重点产品汇总"
        constraints = [
            models.UniqueConstraint(fields=["period", "product", "town"], name="product_rollup_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.town_id} {self.product_id}"


class CoverageRollup(models.Model):
    """Of one period × town × division × tier: listed enterprises with a counted 产值 return
    (`reported`) and, of them, those whose output value is in the figures (`counted`)."""

    period = models.CharField("报告期", max_length=7)
    town = models.ForeignKey("registry.Region", models.CASCADE, related_name="+", db_index=False, verbose_name="镇街")
    division = models.ForeignKey("registry.Industry", models.CASCADE, related_name="+", db_index=False, verbose_name="行业大类")
    tier = models.CharField("规模分档", max_length=12, choices=TIER_CHOICES)
    reported = models.IntegerField("已报送企业数", default=0)
    counted = models.IntegerField("计入企业数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "报送覆盖汇总"
        constraints = [
            models.UniqueConstraint(fields=["period", "town", "division", "tier"], name="coverage_rollup_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.town_id}/{self.division_id}/{self.tier}"


class OutputSummary(ValueSums):
    """`OutputRollup` summed to one grain: the whole county (key ""), one town or one division (key
    its id) or one tier (key its code) × indicator. The whole county's dashboard reads these few
    hundred rows a period instead of one cell per town × division × tier; a town officer's figures
    still come from the fine cells of their towns. Kept from the same differences as OutputRollup."""

    class Grain(models.TextChoices):
        COUNTY = "county", "全县"
        TOWN = "town", "镇街"
        INDUSTRY = "industry", "行业大类"
        TIER = "tier", "规模分档"

    period = models.CharField("报告期", max_length=7)
    grain = models.CharField("汇总口径", max_length=8, choices=Grain.choices)
    key = models.CharField("口径取值", max_length=20, blank=True)
    indicator = models.ForeignKey("reporting.Indicator", models.CASCADE, related_name="+", db_index=False,
                                  verbose_name="指标")

    class Meta:
        verbose_name = verbose_name_plural = "产值汇总（全县各口径）"
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "grain", "key"], name="output_summary_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.grain}={self.key} {self.indicator_id}"


class ProductSummary(ProductSums):
    """`ProductRollup` summed over the towns: one period × product of the whole county."""

    period = models.CharField("报告期", max_length=7)
    product = models.ForeignKey("reporting.Product", models.CASCADE, related_name="+", db_index=False, verbose_name="产品")

    class Meta:
        verbose_name = verbose_name_plural = "重点产品汇总（全县）"
        constraints = [
            models.UniqueConstraint(fields=["period", "product"], name="product_summary_once_per_cell"),
        ]

    def __str__(self):
        return f"{self.period} {self.product_id}"
