"""Monthly returns: forms and indicators as data, one return per enterprise × form × period."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from gongxin.accounts.scoping import enterprise_q

AMOUNT = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}
# Product output and prices are never negative (lib/bounds.py reads the validator).
QUANTITY = {**AMOUNT, "validators": [MinValueValidator(0)]}


class Form(models.Model):
    """A statistical form (报表), e.g. 产值 (like NBS B204-1) or 财务."""

    code = models.CharField("表号", max_length=20, unique=True)
    name = models.CharField("报表名称", max_length=50)
    merge_jan_feb = models.BooleanField("1-2月合并报送", default=True)
    deadline_day = models.PositiveSmallIntegerField("报送截止日（次月）", default=5)
    has_products = models.BooleanField("含产品产量", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "报表"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One row of a form: an indicator with up to four columns (本月, 1-本月, 上年同月, 上年1-同月)."""

    form = models.ForeignKey(Form, models.CASCADE, related_name="indicators", verbose_name="报表")
    code = models.CharField("指标代码", max_length=40)
    name = models.CharField("指标名称", max_length=50)
    unit = models.CharField("计量单位", max_length=20, default="千元")
    order = models.PositiveSmallIntegerField("排序", default=0)
    has_month = models.BooleanField("有本月/上年同月栏", default=True)
    required = models.BooleanField("必填", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="indicator_code_per_form")]

    def __str__(self):
        return f"{self.form.name}·{self.name}"


class ReturnQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))

    def counted(self):
        """Returns that count in figures: submitted or later (not drafts, not sent back)."""
        return self.filter(status__in=Return.COUNTED)


class Return(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        APPROVED = "approved", "镇街已审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已受理"

    class Source(models.TextChoices):
        ENTRY = "entry", "企业填报"
        IMPORT = "import", "官方数据导入"

    COUNTED = (Status.SUBMITTED, Status.APPROVED, Status.ACCEPTED)

    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="returns",
                                   verbose_name="企业")
    form = models.ForeignKey(Form, models.PROTECT, related_name="returns", verbose_name="报表")
    period = models.CharField("报告期", max_length=7)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ENTRY)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    explanation = models.TextField("预警说明", blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月度报表"
        ordering = ["-period", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "form", "period"], name="return_once_per_period"),
        ]
        indexes = [
            # Completeness and every figure select one form's returns for a period by status.
            models.Index(fields=["form", "period", "status"], name="return_form_period_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.form} {self.period}"


class ReturnValue(models.Model):
    """The four columns of one indicator on one return (money in 千元 as the form reports it).

    `enterprise` and `period` repeat the return's (both immutable) so that a period's rows are
    stored and indexed together for aggregation.
    """

    ret = models.ForeignKey(Return, models.CASCADE, related_name="values", verbose_name="报表")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+", verbose_name="指标")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+",
                                   verbose_name="企业")
    period = models.CharField("报告期", max_length=7)
    month = models.DecimalField("本月", **AMOUNT)
    ytd = models.DecimalField("1-本月", **AMOUNT)
    month_ly = models.DecimalField("上年同月", **AMOUNT)
    ytd_ly = models.DecimalField("上年1-同月", **AMOUNT)
    ly_note = models.CharField("上年数修改说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标值"
        constraints = [models.UniqueConstraint(fields=["ret", "indicator"], name="value_once_per_return")]
        indexes = [
            # Aggregation of one indicator over a period's returns.
            models.Index(fields=["period", "indicator", "enterprise"], name="value_period_idx"),
        ]

    def __str__(self):
        return f"{self.ret} {self.indicator.name}"


class Product(models.Model):
    """A product of the key-product catalogue (重点监测工业产品目录)."""

    code = models.CharField("产品代码", max_length=20, unique=True)
    name = models.CharField("产品名称", max_length=50)
    unit = models.CharField("计量单位", max_length=20)

    class Meta:
        verbose_name = verbose_name_plural = "产品目录"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class MonitoredProduct(models.Model):
    """The yearly list of monitored products (the demo county monitors 71 in 2022)."""

    year = models.PositiveSmallIntegerField("年份")
    product = models.ForeignKey(Product, models.PROTECT, related_name="monitored", verbose_name="产品")

    class Meta:
        verbose_name = verbose_name_plural = "年度重点监测产品"
        ordering = ["year", "product"]
        constraints = [models.UniqueConstraint(fields=["year", "product"], name="monitored_once_per_year")]

    def __str__(self):
        return f"{self.year} {self.product}"


class ProductLine(models.Model):
    """A product's output and factory price on an 产值 return (prices in 元 per unit)."""

    ret = models.ForeignKey(Return, models.CASCADE, related_name="product_lines", verbose_name="报表")
    product = models.ForeignKey(Product, models.PROTECT, related_name="lines", verbose_name="产品")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+",
                                   verbose_name="企业")
    period = models.CharField("报告期", max_length=7)
    qty_month = models.DecimalField("本月产量", **QUANTITY)
    qty_ytd = models.DecimalField("1-本月产量", **QUANTITY)
    qty_month_ly = models.DecimalField("上年同月产量", **QUANTITY)
    qty_ytd_ly = models.DecimalField("上年1-同月产量", **QUANTITY)
    price = models.DecimalField("本月平均出厂价格（元）", **QUANTITY)
    price_ly = models.DecimalField("上年同月平均出厂价格（元）", **QUANTITY)

    class Meta:
        verbose_name = verbose_name_plural = "产品产量"
        constraints = [models.UniqueConstraint(fields=["ret", "product"], name="product_once_per_return")]
        indexes = [models.Index(fields=["period", "product"], name="productline_period_idx")]

    def __str__(self):
        return f"{self.ret} {self.product.name}"


class ValueChange(models.Model):
    """History of every value: who changed which cell of a return, when, from what to what, why."""

    ret = models.ForeignKey(Return, models.CASCADE, related_name="changes", verbose_name="报表")
    field = models.CharField("栏目", max_length=80)  # e.g. "output_value.ytd" or "product:P001.price"
    label = models.CharField("栏目名称", max_length=100)
    old = models.DecimalField("原值", **AMOUNT)
    new = models.DecimalField("新值", **AMOUNT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="修改人")
    actor = models.CharField("修改人名称", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.CharField("原因", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据修改记录"
        ordering = ["ret", "at", "id"]

    def __str__(self):
        return f"{self.ret} {self.label}: {self.old} → {self.new}"


class ValidationRule(models.Model):
    """A check run on entry, on submit and on import (reporting/validation.py), editable by the bureau.

    `kind` selects the check; `threshold`/`threshold2` are its parameters; `message` is the Chinese
    text shown to the reporter, with placeholders filled by the check (see `Kind` labels).
    """

    class Kind(models.TextChoices):
        REQUIRED = "required", "必填项缺失（{indicator}、{column}）"
        NEGATIVE = "negative", "数值为负（{indicator}、{column}、{value}）"
        YTD_LT_MONTH = "ytd_lt_month", "1-本月小于本月（{indicator}、{ytd}、{month}）"
        SALES_GT_OUTPUT = "sales_gt_output", "销售产值超过总产值×阈值（{column}、{sales}、{output}、{limit}）"
        PERIOD_OPEN = "period_open", "报告期未开放或已关闭（{period}）"
        LY_NOTE = "ly_note", "上年数与上年报表不一致须说明（{indicator}、{column}、{value}、{reported}）"
        YOY = "yoy", "同比增速绝对值超过阈值%（{indicator}、{growth}、{limit}）"
        MONTH_CONSISTENCY = "month_consistency", "本月≠1-本月−上期1-本月，允许误差为阈值（{indicator}、{month}、{derived}）"
        SELL_THROUGH = "sell_through", "产销率超出[阈值, 阈值2]%（{ratio}、{low}、{high}）"
        ELEC_VS_OUTPUT = "elec_vs_output", "用电量与产值增速方向相反且相差超过阈值个百分点（{elec_growth}、{output_growth}、{gap}）"
        PRODUCT_YTD_LT_MONTH = "product_ytd_lt_month", "产品1-本月产量小于本月产量（{product}、{ytd}、{month}、{unit}）"
        PRODUCT_PRICE_QTY = "product_price_qty", "产品有价格无产量或有产量无价格（{product}、{qty}、{price}、{unit}）"
        PRODUCT_YOY = "product_yoy", "产品1-本月产量同比增速绝对值超过阈值%（{product}、{growth}、{limit}）"

    class Severity(models.TextChoices):
        ERROR = "error", "错误（阻止报送）"
        WARNING = "warning", "预警（须填写说明）"

    form = models.ForeignKey(Form, models.CASCADE, related_name="rules", verbose_name="报表")
    code = models.CharField("规则代码", max_length=40)
    kind = models.CharField("规则类型", max_length=30, choices=Kind.choices)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    indicators = models.CharField("适用指标", max_length=200, blank=True,
                                  help_text="指标代码，逗号分隔；留空表示全部指标")
    threshold = models.DecimalField("阈值", max_digits=12, decimal_places=4, null=True, blank=True)
    threshold2 = models.DecimalField("阈值2", max_digits=12, decimal_places=4, null=True, blank=True)
    message = models.CharField("提示信息", max_length=300,
                               help_text="可用占位符见规则类型说明，如{indicator}、{column}、{value}")
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核规则"
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="rule_code_per_form")]

    def __str__(self):
        return f"{self.form.name}·{self.code}"

    def clean(self):
        """What any editor of a rule must respect (admin included): thresholds are not negative, a
        range's lower bound is not above its upper bound."""
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("threshold", "threshold2"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "阈值不能为负数"
        if (self.kind == self.Kind.SELL_THROUGH and self.threshold is not None and self.threshold2 is not None
                and self.threshold > self.threshold2):
            errors["threshold2"] = "阈值2（上限）不能小于阈值（下限）"
        if errors:
            raise ValidationError(errors)

    def applies_to(self, indicator_code):
        codes = [c.strip() for c in self.indicators.split(",") if c.strip()]
        return not codes or indicator_code in codes


class ReportingPeriod(models.Model):
    """The bureau's record of a form's period. A period is open for entry from the day after its
    month ends until the bureau closes it (`closed_at` set); no row means open (see validation.py)."""

    form = models.ForeignKey(Form, models.CASCADE, related_name="periods", verbose_name="报表")
    period = models.CharField("报告期", max_length=7)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="关闭人")
    note = models.CharField("说明", max_length=200, blank=True)
    # 0 = created by the periods page and not yet changed; bumped by every close/reopen.
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "报告期"
        ordering = ["form", "-period"]
        constraints = [models.UniqueConstraint(fields=["form", "period"], name="period_once_per_form")]

    def __str__(self):
        return f"{self.form.name} {self.period}{'（已关闭）' if self.closed_at else ''}"


class Notice(models.Model):
    """Retired: the old 催报 notice. Rows were moved to notices.Notice (migration 0006) and nothing
    writes or reads this model any more; it is kept so the rows' read times are not lost."""

    class Kind(models.TextChoices):
        REMIND = "remind", "催报"

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="notices",
                                   verbose_name="企业")
    form = models.ForeignKey(Form, models.CASCADE, related_name="+", verbose_name="报表")
    period = models.CharField("报告期", max_length=7)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.REMIND)
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    emailed_to = models.CharField("已发送邮件", max_length=300, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Makes `gongxin remind` idempotent: running it twice adds nothing.
            models.UniqueConstraint(fields=["enterprise", "form", "period", "kind"], name="notice_once"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.message}"
