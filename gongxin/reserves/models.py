"""Emergency material reserves (应急物资储备): catalogue, warehouses, lots, the append-only stock
ledger and its balances, capacity contracts (产能储备), reserve standards, green-channel
procurement (应急采购绿色通道) and dispatch (调度).

The ledger (`Movement`) is append-only: a row is never updated or deleted; a correction is a
reversing entry. `Balance` (warehouse × lot) is the ledger's sum, kept in the same transaction under
a row lock by `services.post_movement`; `gongxin reserves_check` proves the two agree.
Quantities are whole units (件, 只, 瓶(桶), 盒): integers.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from gongxin.accounts.scoping import enterprise_q, get_access
from gongxin.lib.uploads import stored_name

QTY_MAX = 10**12  # the domain range of any quantity entered (positive integers below this)


class Category(models.TextChoices):
    PROTECTIVE = "protective", "防护"
    DISINFECTANT = "disinfectant", "消杀"
    TESTING = "testing", "检测"
    MEDICAL = "medical", "医疗器械"
    OTHER = "other", "其他"


def usable_q(day, path="lot__"):
    """THE expiry rule as a filter: a lot is usable through the end of its expiry day."""
    return Q(**{f"{path}expires_on__isnull": True}) | Q(**{f"{path}expires_on__gte": day})


class Material(models.Model):
    code = models.CharField("物资编码", max_length=20, unique=True)
    name = models.CharField("物资名称", max_length=50)
    category = models.CharField("类别", max_length=14, choices=Category.choices)
    unit = models.CharField("计量单位", max_length=10, help_text="件、只、瓶(桶)、盒")
    spec = models.CharField("规格型号", max_length=100, blank=True)
    near_expiry_days = models.PositiveSmallIntegerField("近效期预警天数", default=90)
    product = models.ForeignKey("reporting.Product", models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name="对应重点监测产品", help_text="用于核对合同产能与企业填报产量")
    units_per_product_unit = models.DecimalField("每产品计量单位折合数量", max_digits=12, decimal_places=4, default=1,
                                                 help_text="如 医用口罩 1万只 = 10000只")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "物资目录"
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class ReserveStandard(models.Model):
    """Reserve standard of one material at one level: peak monthly consumption × months (a band)."""

    class Level(models.TextChoices):
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    material = models.ForeignKey(Material, models.CASCADE, related_name="standards", verbose_name="物资")
    level = models.CharField("储备标准层级", max_length=8, choices=Level.choices, default=Level.CITY)
    peak_monthly = models.PositiveBigIntegerField("高峰月消耗量")
    months = models.PositiveSmallIntegerField("最大储备月数", default=3)
    min_months = models.PositiveSmallIntegerField("最低储备月数", default=1)
    warn_pct = models.PositiveSmallIntegerField("预警覆盖率（%）", default=80)
    window_days = models.PositiveSmallIntegerField("产能计入期限（天）", default=30,
                                                   help_text="合同产能在此天数内可交付的部分计入储备")
    active = models.BooleanField("执行中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "储备标准"
        constraints = [
            # One standard per material and level: coverage has one denominator.
            models.UniqueConstraint(fields=["material", "level"], name="reserve_standard_once"),
            models.CheckConstraint(name="reserve_standard_band", condition=Q(min_months__lte=F("months"))),
        ]

    def __str__(self):
        return f"{self.material.name}·{self.get_level_display()}"

    @property
    def quantity(self):
        return self.peak_monthly * self.months

    @property
    def minimum(self):
        return self.peak_monthly * self.min_months


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", "局属仓库"
        AGREEMENT = "agreement", "协议代储"

    code = models.CharField("仓库代码（单号前缀）", max_length=6, unique=True)
    name = models.CharField("仓库名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.BUREAU)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="reserve_warehouses", verbose_name="代储企业")
    address = models.CharField("地址", max_length=200, blank=True)
    keeper = models.CharField("保管员", max_length=30, blank=True)
    next_serial = models.PositiveIntegerField("下一单据序号", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "仓库"
        ordering = ["code"]
        constraints = [
            # An agreement warehouse is kept at an enterprise; the bureau's own are not.
            models.CheckConstraint(name="agreement_warehouse_has_enterprise",
                                   condition=Q(kind="bureau") | Q(enterprise__isnull=False)),
        ]

    def __str__(self):
        return self.name


class Lot(models.Model):
    class Owner(models.TextChoices):
        GOVERNMENT = "government", "政府储备"
        AGREEMENT = "agreement", "协议代储"
        DONATION = "donation", "捐赠"
        PURCHASE = "purchase", "采购"

    material = models.ForeignKey(Material, models.PROTECT, related_name="lots", verbose_name="物资")
    batch = models.CharField("批号", max_length=40)
    produced_on = models.DateField("生产日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True, help_text="当日仍可使用")
    owner = models.CharField("权属", max_length=12, choices=Owner.choices, default=Owner.GOVERNMENT)
    source = models.CharField("来源（供应商/捐赠方）", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        ordering = ["material", "expires_on", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["material", "batch"], name="lot_batch_once_per_material"),
            models.CheckConstraint(name="lot_expires_after_production",
                                   condition=Q(produced_on__isnull=True) | Q(expires_on__isnull=True)
                                   | Q(expires_on__gte=F("produced_on"))),
        ]

    def __str__(self):
        return f"{self.material.name} 批号{self.batch}"

    def usable_on(self, day):
        """THE expiry rule (see `usable_q`): usable through the end of the expiry day."""
        return self.expires_on is None or day <= self.expires_on

    def days_left(self, day):
        return None if self.expires_on is None else (self.expires_on - day).days

    def near_expiry_on(self, day):
        left = self.days_left(day)
        return left is not None and 0 <= left <= self.material.near_expiry_days


class BalanceQuerySet(models.QuerySet):
    def on_hand(self):
        return self.filter(on_hand__gt=0)

    def usable(self, day):
        return self.filter(usable_q(day))

    def fefo(self):
        """First expired, first out: the lots expiring soonest first (no expiry last)."""
        return self.order_by(F("lot__expires_on").asc(nulls_last=True), "lot__batch", "warehouse__code")


class Balance(models.Model):
    """Σ ledger for one warehouse × lot; `reserved` is held for approved dispatches."""

    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="balances", verbose_name="仓库")
    material = models.ForeignKey(Material, models.PROTECT, related_name="balances", verbose_name="物资")
    lot = models.ForeignKey(Lot, models.PROTECT, related_name="balances", verbose_name="批次")
    on_hand = models.BigIntegerField("账面数量", default=0)
    reserved = models.BigIntegerField("已预留", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BalanceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "库存余额"
        ordering = ["warehouse", "material", "lot"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "lot"], name="balance_once_per_warehouse_lot"),
            # The last line of defence under the service checks: never negative, never over-reserved.
            models.CheckConstraint(name="balance_not_negative", condition=Q(on_hand__gte=0)),
            models.CheckConstraint(name="balance_reserved_within_stock",
                                   condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand"))),
        ]

    def __str__(self):
        return f"{self.warehouse} {self.lot}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class Movement(models.Model):
    """One line of the append-only ledger. `quantity` is signed (+ in, − out; a count's difference)."""

    class Kind(models.TextChoices):
        IN = "in", "入库"
        OUT = "out", "出库"
        COUNT = "count", "盘点"

    class Reason(models.TextChoices):
        PROCUREMENT = "procurement", "采购入库"
        DONATION = "donation", "捐赠入库"
        TRANSFER_IN = "transfer_in", "调拨入库"
        CALLOFF = "calloff", "产能调用入库"
        DISPATCH = "dispatch", "调度出库"
        TRANSFER_OUT = "transfer_out", "调拨出库"
        ROTATION = "rotation", "轮换出库"
        WRITE_OFF = "write_off", "报废核销"
        COUNT = "count", "盘点调整"
        REVERSAL = "reversal", "冲销"

    KIND_OF = {"procurement": "in", "donation": "in", "transfer_in": "in", "calloff": "in", "dispatch": "out",
               "transfer_out": "out", "rotation": "out", "write_off": "out", "count": "count"}

    doc_no = models.CharField("单据号", max_length=20, unique=True)
    event = models.ForeignKey("emergencies.Event", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="应急事件")
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="movements", verbose_name="仓库")
    material = models.ForeignKey(Material, models.PROTECT, related_name="movements", verbose_name="物资")
    lot = models.ForeignKey(Lot, models.PROTECT, related_name="movements", verbose_name="批次")
    kind = models.CharField("类型", max_length=6, choices=Kind.choices)
    reason = models.CharField("业务", max_length=14, choices=Reason.choices)
    quantity = models.BigIntegerField("数量（入+出−）")
    counted = models.BigIntegerField("盘点实存", null=True, blank=True)
    business_date = models.DateField("业务日期")
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="经办人")
    note = models.CharField("摘要/原因", max_length=200, blank=True)
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by",
                                    verbose_name="冲销原单")
    purchase_line = models.ForeignKey("PurchaseLine", models.PROTECT, null=True, blank=True,
                                      related_name="movements", verbose_name="采购明细")
    calloff = models.ForeignKey("CallOff", models.PROTECT, null=True, blank=True, related_name="movements",
                                verbose_name="产能调用")
    pick = models.ForeignKey("Pick", models.PROTECT, null=True, blank=True, related_name="movements",
                             verbose_name="调度拣货")
    # The per-form token of a hand-entered movement: a form sent twice posts once.
    form_token = models.CharField("表单令牌", max_length=40, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "出入库台账"
        ordering = ["business_date", "id"]
        indexes = [
            # The running-balance check of a back-dated movement reads one warehouse × lot by date.
            models.Index(fields=["warehouse", "lot", "business_date"], name="movement_lot_date_idx"),
            models.Index(fields=["material", "business_date"], name="movement_material_date_idx"),
        ]
        constraints = [models.CheckConstraint(name="movement_not_zero", condition=~Q(quantity=0))]

    def __str__(self):
        return self.doc_no

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("台账只能追加，不能修改：请做冲销")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("台账只能追加，不能删除：请做冲销")


# ---------------------------------------------------------------- capacity reserve


class ContractQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bureau and leaders see all; a contracted enterprise its own; nobody else any."""
        access = get_access(user)
        if access.sees_all:
            return self
        if access.enterprise_ids:
            return self.filter(enterprise_q(user, "enterprise__"), enterprise_id__in=access.enterprise_ids)
        return self.none()

    def active_on(self, day):
        return self.filter(status=CapacityContract.Status.ACTIVE, starts_on__lte=day, ends_on__gte=day)


class CapacityContract(models.Model):
    """A 保障供应合同: the enterprise keeps the capacity to make a material and delivers on call."""

    class Status(models.TextChoices):
        ACTIVE = "active", "履行中"
        TERMINATED = "terminated", "已终止"

    number = models.CharField("合同编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="capacity_contracts",
                                   verbose_name="保障企业")
    material = models.ForeignKey(Material, models.PROTECT, related_name="contracts", verbose_name="物资")
    daily_capacity = models.PositiveBigIntegerField("日产能")
    switch_days = models.PositiveSmallIntegerField("转产准备天数", default=0)
    guaranteed_qty = models.PositiveBigIntegerField("保障供应数量")
    guarantee_days = models.PositiveSmallIntegerField("保障期限（天内交付）")
    starts_on = models.DateField("合同开始")
    ends_on = models.DateField("合同结束")
    subsidy_wan = models.DecimalField("补助资金（万元）", max_digits=10, decimal_places=2, default=0)
    obligations = models.TextField("主要义务", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "产能储备合同"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(name="contract_ends_after_start", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(name="contract_subsidy_not_negative", condition=Q(subsidy_wan__gte=0)),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise.name}"


class CallOffQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(contract__in=CapacityContract.objects.for_user(user))


class CallOff(models.Model):
    """产能调用: an order against a contract, delivered into a warehouse through the ledger."""

    class Status(models.TextChoices):
        OPEN = "open", "生产交付中"
        DONE = "done", "已交付"
        CANCELLED = "cancelled", "已取消"

    number = models.CharField("调用单号", max_length=30, unique=True)
    contract = models.ForeignKey(CapacityContract, models.PROTECT, related_name="calloffs", verbose_name="合同")
    event = models.ForeignKey("emergencies.Event", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="应急事件")
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="+", verbose_name="交付仓库")
    ordered_on = models.DateField("下单日期")
    quantity = models.PositiveBigIntegerField("调用数量")
    delivered = models.PositiveBigIntegerField("已交付", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    dispatch = models.ForeignKey("Dispatch", models.SET_NULL, null=True, blank=True, related_name="calloffs",
                                 verbose_name="对应调度申请")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="下单人")

    objects = CallOffQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "产能调用"
        ordering = ["-ordered_on", "-id"]
        constraints = [models.CheckConstraint(name="calloff_delivered_within_order",
                                              condition=Q(delivered__lte=F("quantity")))]

    def __str__(self):
        return self.number

    @property
    def remaining(self):
        return self.quantity - self.delivered


# ---------------------------------------------------------------- green-channel procurement


class Purchase(models.Model):
    """An urgent purchase order (应急采购绿色通道): one approver; filing/publication by a deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审批"
        APPROVED = "approved", "已审批（到货中）"
        COMPLETED = "completed", "已到齐"

    number = models.CharField("采购单号", max_length=30, unique=True)
    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    supplier = models.CharField("供应商", max_length=100)
    ordered_on = models.DateField("采购日期")
    filing_deadline = models.DateField("补办备案/公示期限")
    filed_on = models.DateField("备案公示日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="经办人")
    note = models.CharField("说明", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "应急采购"
        ordering = ["-ordered_on", "-id"]

    def __str__(self):
        return f"{self.number} {self.supplier}"

    def filing_overdue(self, day):
        return self.filed_on is None and day > self.filing_deadline


class PurchaseLine(models.Model):
    purchase = models.ForeignKey(Purchase, models.CASCADE, related_name="lines", verbose_name="采购单")
    material = models.ForeignKey(Material, models.PROTECT, related_name="purchase_lines", verbose_name="物资")
    quantity = models.PositiveBigIntegerField("采购数量")
    unit_price = models.DecimalField("单价（元）", max_digits=12, decimal_places=2)
    delivered = models.PositiveBigIntegerField("已到货", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "采购明细"
        ordering = ["purchase", "id"]
        constraints = [
            models.CheckConstraint(name="purchase_line_delivered_within_order",
                                   condition=Q(delivered__lte=F("quantity"))),
            models.CheckConstraint(name="purchase_line_price_positive", condition=Q(unit_price__gt=0)),
        ]

    def __str__(self):
        return f"{self.purchase.number} {self.material.name}"

    @property
    def amount(self):
        return self.unit_price * self.quantity


class Payment(models.Model):
    """Money paid on a purchase or a contract's subsidy (for reconciliation)."""

    purchase = models.ForeignKey(Purchase, models.PROTECT, null=True, blank=True, related_name="payments",
                                 verbose_name="采购单")
    contract = models.ForeignKey(CapacityContract, models.PROTECT, null=True, blank=True, related_name="payments",
                                 verbose_name="合同")
    paid_on = models.DateField("支付日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    voucher = models.CharField("凭证号", max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="经办人")

    class Meta:
        verbose_name = verbose_name_plural = "付款记录"
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(name="payment_for_one_thing",
                                   condition=(Q(purchase__isnull=False) & Q(contract__isnull=True))
                                   | (Q(purchase__isnull=True) & Q(contract__isnull=False))),
            models.CheckConstraint(name="payment_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return self.voucher


def document_path(instance, filename):
    owner = instance.purchase.number if instance.purchase_id else instance.contract.number
    return f"reserves/{owner}/{stored_name(filename)}"


class Document(models.Model):
    """A kept document (留存备查): contract, voucher, invoice, acceptance… of a purchase or contract."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "合同"
        VOUCHER = "voucher", "付款凭证"
        INVOICE = "invoice", "发票"
        ACCEPTANCE = "acceptance", "验收单"
        FILING = "filing", "备案/公示材料"
        OTHER = "other", "其他"

    purchase = models.ForeignKey(Purchase, models.CASCADE, null=True, blank=True, related_name="documents",
                                 verbose_name="采购单")
    contract = models.ForeignKey(CapacityContract, models.CASCADE, null=True, blank=True,
                                 related_name="documents", verbose_name="合同")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("标题", max_length=150)
    file = models.FileField("附件", upload_to=document_path, max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "储备文件"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(name="document_for_one_thing",
                                   condition=(Q(purchase__isnull=False) & Q(contract__isnull=True))
                                   | (Q(purchase__isnull=True) & Q(contract__isnull=False))),
        ]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------- dispatch


class DispatchQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bureau and leaders: all; a town officer: requests from their town; an enterprise: its own."""
        access = get_access(user)
        if access.sees_all:
            return self
        q = Q(pk__in=[])
        if access.region_ids:
            q |= Q(town_id__in=access.region_ids)
        if access.enterprise_ids:
            q |= Q(enterprise_id__in=access.enterprise_ids)
        return self.filter(q)


class Dispatch(models.Model):
    """调度: a unit's request for materials, approved (stock reserved), shipped and received."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准（待发运）"
        SHIPPED = "shipped", "已发运"
        RECEIVED = "received", "已签收"
        REJECTED = "rejected", "未批准"

    class Unit(models.TextChoices):
        HOSPITAL = "hospital", "医疗机构"
        TOWN = "town", "镇街"
        ENTERPRISE = "enterprise", "企业"
        OTHER = "other", "其他单位"

    number = models.CharField("调度单号", max_length=30, unique=True)
    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    unit_kind = models.CharField("申请单位类型", max_length=10, choices=Unit.choices)
    unit_name = models.CharField("申请单位", max_length=100)
    town = models.ForeignKey("registry.Region", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="所在镇街")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="申请企业")
    contact = models.CharField("联系人及电话", max_length=60, blank=True)
    requested_on = models.DateField("申请日期")
    purpose = models.CharField("用途", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="申请人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="审批人")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    shipped_on = models.DateField("发运日期", null=True, blank=True)
    vehicle = models.CharField("运输车辆/承运人", max_length=60, blank=True)
    received_on = models.DateField("签收日期", null=True, blank=True)
    received_by_name = models.CharField("签收人", max_length=30, blank=True)
    note = models.CharField("审批意见/备注", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资调度"
        ordering = ["-requested_on", "-id"]

    def __str__(self):
        return f"{self.number} {self.unit_name}"


class DispatchLine(models.Model):
    dispatch = models.ForeignKey(Dispatch, models.CASCADE, related_name="lines", verbose_name="调度单")
    material = models.ForeignKey(Material, models.PROTECT, related_name="+", verbose_name="物资")
    requested = models.PositiveBigIntegerField("申请数量")
    approved = models.PositiveBigIntegerField("批准数量", default=0)
    shipped = models.PositiveBigIntegerField("发运数量", default=0)
    received = models.PositiveBigIntegerField("签收数量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "调度明细"
        ordering = ["dispatch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "material"], name="dispatch_material_once"),
            models.CheckConstraint(name="dispatch_line_quantities",
                                   condition=Q(approved__lte=F("requested")) & Q(shipped__lte=F("approved"))
                                   & Q(received__lte=F("shipped"))),
        ]

    def __str__(self):
        return f"{self.dispatch.number} {self.material.name}"


class Pick(models.Model):
    """Stock of one warehouse × lot reserved for a dispatch line (FEFO), then shipped."""

    line = models.ForeignKey(DispatchLine, models.CASCADE, related_name="picks", verbose_name="调度明细")
    balance = models.ForeignKey(Balance, models.PROTECT, related_name="picks", verbose_name="库存")
    quantity = models.PositiveBigIntegerField("预留数量")
    shipped = models.BooleanField("已出库", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "拣货预留"
        ordering = ["line", "id"]
        constraints = [models.UniqueConstraint(fields=["line", "balance"], name="pick_once_per_balance")]

    def __str__(self):
        return f"{self.line} {self.balance.lot.batch}×{self.quantity}"


def today():
    return dt.date.today()
