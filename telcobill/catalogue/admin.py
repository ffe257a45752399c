"""The catalogue in the back office: the same rows the TOML loader writes.

The file stays the reference (a load replaces dated rows with the file's): edit here to inspect or
fix urgently, then carry the change into the file.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Allowance,
    CataloguePolicy,
    Price,
    Product,
    RoundingRule,
    Subscription,
    ThirdPartyNumber,
    UsagePrice,
    VatRate,
    VatRule,
    Zone,
)


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    fields = ["valid_from", "amount", "includes_vat"]
    ordering = ["valid_from"]


class AllowanceInline(admin.TabularInline):
    model = Allowance
    extra = 0
    fields = ["valid_from", "bucket", "quantity", "unit", "scope", "zones"]
    ordering = ["valid_from", "bucket"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "segment", "current_price", "commitment_months", "tier", "section",
                    "vat_rule", "retired"]
    list_filter = ["kind", "segment", "retired", "section"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["vat_rule"]
    ordering = ["kind", "segment", "tier", "code"]
    inlines = [PriceInline, AllowanceInline]
    fieldsets = [
        (None, {"fields": ["code", "kind", "name", "name_en", "segment", "description", "retired"]}),
        (_("Facturation"), {"fields": ["section", "vat_rule", "commitment_months", "tier", "rounding",
                                       "compatible_plans"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prices")

    @admin.display(description=_("prix en vigueur"))
    def current_price(self, product: Product) -> str:
        today = timezone.localdate()
        prices = [p for p in product.prices.all() if p.valid_from <= today]
        if not prices:
            return "—"
        price = max(prices, key=lambda p: p.valid_from)
        return f"{price.amount.normalize():f} € {'TTC' if price.includes_vat else 'HT'}"


class VatRateInline(admin.TabularInline):
    model = VatRate
    extra = 0
    fields = ["valid_from", "rate"]


@admin.register(VatRule)
class VatRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "exemption_code"]
    list_filter = ["category"]
    search_fields = ["code", "name"]
    inlines = [VatRateInline]


@admin.register(RoundingRule)
class RoundingRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "minimum", "increment"]
    search_fields = ["code", "name"]


class UsagePriceInline(admin.TabularInline):
    model = UsagePrice
    extra = 0
    fields = ["bucket", "direction", "valid_from", "unit", "amount", "includes_vat", "vat_rule"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "like_home", "entries"]
    list_filter = ["kind", "like_home"]
    search_fields = ["code", "name"]
    inlines = [UsagePriceInline]

    @admin.display(description=_("indicatifs / pays / réseaux"))
    def entries(self, zone: Zone) -> int:
        return len(zone.prefixes) + len(zone.countries) + len(zone.networks)


@admin.register(UsagePrice)
class UsagePriceAdmin(admin.ModelAdmin):
    list_display = ["zone", "bucket", "direction", "valid_from", "amount", "unit", "includes_vat", "vat_rule"]
    list_filter = ["zone", "bucket", "direction", "includes_vat"]
    list_select_related = ["zone", "vat_rule"]
    date_hierarchy = "valid_from"
    ordering = ["zone__code", "bucket", "direction", "valid_from"]


@admin.register(ThirdPartyNumber)
class ThirdPartyNumberAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "kind", "per_call", "per_minute", "vat_rule"]
    list_filter = ["kind"]
    search_fields = ["prefix", "name"]
    list_select_related = ["vat_rule"]


@admin.register(CataloguePolicy)
class CataloguePolicyAdmin(admin.ModelAdmin):
    """One row per load, latest first: the record of what was loaded, when, from which file."""

    list_display = ["loaded_at", "source", "short_sha256", "upgrade", "downgrade", "allowance_on_change",
                    "early_termination_fee", "termination_notice_days"]
    ordering = ["-loaded_at"]
    date_hierarchy = "loaded_at"
    readonly_fields = ["loaded_at", "source", "sha256"]

    @admin.display(description="sha256")
    def short_sha256(self, policy: CataloguePolicy) -> str:
        return policy.sha256[:12]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["line", "product", "starts_on", "ends_on"]
    list_filter = ["product__kind", "product__segment", "product"]
    search_fields = ["line__msisdn", "product__code"]
    raw_id_fields = ["line"]
    autocomplete_fields = ["product"]
    list_select_related = ["line", "product"]
    date_hierarchy = "starts_on"
