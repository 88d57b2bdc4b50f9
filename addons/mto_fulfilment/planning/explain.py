"""Bottleneck choice and the one-sentence explanation shown to sales people.

Why: a date alone invites "why so late?"; the sentence names the component or work center a
planner would have to act on, using only what the computation actually waited for.
"""
# pylint: disable=prefer-env-translation,translation-not-lazy  # planning has no env: its _ uses the translator the ORM layer installs (i18n.py)

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from .i18n import _
from .results import Bottleneck, Production, Sourcing
from .snapshot import Snapshot

COMPONENT = "component"
WORKCENTER = "workcenter"
LEAD_TIME = "lead_time"


@lru_cache(maxsize=16)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_day(value: datetime, tz: str = "UTC") -> date:
    """The plant's day of `value` (naive UTC): work ending at 23:30 UTC is done the next day in
    Tokyo and the same day in Los Angeles."""
    if tz == "UTC":
        return value.date()
    return value.replace(tzinfo=UTC).astimezone(_zone(tz)).date()


def day(value: datetime | date, tz: str = "UTC") -> str:
    if isinstance(value, datetime):
        value = local_day(value, tz)
    return value.strftime("%Y-%m-%d")


def qty_text(qty: float) -> str:
    return f"{qty:g}"


def product_name(snapshot: Snapshot, product_id: int) -> str:
    product = snapshot.products.get(product_id)
    return product.name if product else str(product_id)


def workcenter_name(snapshot: Snapshot, wc_id: int) -> str:
    wc = snapshot.workcenters.get(wc_id)
    return wc.name if wc else str(wc_id)


def production_bottleneck(snapshot: Snapshot, prod: Production) -> Bottleneck:
    """Root cause of a production's end date (see `root_cause`)."""
    return root_cause(snapshot, prod)[0]


def root_cause(snapshot: Snapshot, prod: Production) -> tuple[Bottleneck, Production]:
    """Root cause of a production's end date, and the production it held (itself or the
    sub-assembly that waited).

    Waiting for a booked work center comes first (it happened last, after material was in);
    otherwise the critical component, or the sub-assembly's own root cause when that
    component was made and itself waited for something; otherwise plain lead times.
    """
    if prod.wait is not None:
        wait = prod.wait
        return Bottleneck(
            WORKCENTER,
            workcenter_name(snapshot, wait.workcenter_id),
            wait.free_at,
            wait.workcenter_id,
            time_off=wait.time_off,
        ), prod
    crit = prod.critical
    if crit is not None:
        if crit.made is not None:
            inner, held = root_cause(snapshot, crit.made)
            if inner.kind != LEAD_TIME:
                return inner, held
        return Bottleneck(
            COMPONENT, product_name(snapshot, crit.product_id), crit.ready, crit.product_id
        ), prod
    return Bottleneck(
        LEAD_TIME, product_name(snapshot, prod.product_id), prod.capacity_ready, prod.product_id
    ), prod


def bottleneck_fragment(bottleneck: Bottleneck, made: str | None = None, tz: str = "UTC") -> str:
    """The bottleneck's words; `made` names the sub-assembly a work center wait was for (the
    line's own operations may wait on the same work center later in the sentence); a
    component needs no such name."""
    if bottleneck.kind == WORKCENTER:
        values = {"wc": bottleneck.name, "date": day(bottleneck.date, tz), "product": made}
        if bottleneck.time_off:
            if made:
                return _("%(wc)s is closed (time off) until %(date)s for %(product)s") % values
            return _("%(wc)s is closed (time off) until %(date)s") % values
        if made:
            return _("%(wc)s is booked until %(date)s for %(product)s") % values
        return _("%(wc)s is booked until %(date)s") % values
    return _("component %(name)s is available on %(date)s") % {
        "name": bottleneck.name,
        "date": day(bottleneck.date, tz),
    }


def _days(value: float) -> str:
    return f"{value:g}"


def purchase_terms(snapshot: Snapshot, product_id: int, ordered: bool = False) -> str:
    """' (from Vendor: lead 7 d + 2 d reliability buffer)' for a product bought to order whose
    vendor is known: what the arrival date is made of; ' (already ordered)' when a forecast
    counts the line's own purchase order (`ordered`), whose date is the vendor's."""
    if ordered:
        return _(" (already ordered)")
    product = snapshot.products.get(product_id)
    if product is None or product.purchase_delay_days is None or not product.vendor_name:
        return ""
    values = {
        "vendor": product.vendor_name,
        "lead": _days(product.purchase_delay_days),
        "buffer": _days(product.vendor_buffer_days),
        "confirm": _days(snapshot.purchase_lead_days),
    }
    if product.vendor_buffer_days and snapshot.purchase_lead_days:
        text = _(
            " (from %(vendor)s: %(confirm)s d to purchase + lead %(lead)s d"
            " + %(buffer)s d reliability buffer)"
        )
    elif product.vendor_buffer_days:
        text = _(" (from %(vendor)s: lead %(lead)s d + %(buffer)s d reliability buffer)")
    elif snapshot.purchase_lead_days:
        text = _(" (from %(vendor)s: %(confirm)s d to purchase + lead %(lead)s d)")
    else:
        text = _(" (from %(vendor)s: lead %(lead)s d)")
    return text % values


def sourcing_fragment(snapshot: Snapshot, src: Sourcing) -> str:
    values = {"name": product_name(snapshot, src.product_id), "date": day(src.ready, snapshot.tz)}
    if src.method == "manufacture":
        return _("component %(name)s is made by %(date)s") % values
    if src.method == "stock":
        return _("component %(name)s is available on %(date)s") % values
    if src.method in ("purchase", "ordered"):  # ordered: a forecast's own purchase order
        return _("component %(name)s arrives on %(date)s") % values + purchase_terms(
            snapshot, src.product_id, src.method == "ordered"
        )
    return _("component %(name)s arrives on %(date)s") % values


def production_fragments(snapshot: Snapshot, prod: Production) -> list[str]:
    """Critical component (with its root cause if it was made) then the work center wait."""
    parts: list[str] = []
    crit = prod.critical
    if crit is not None:
        if crit.made is not None:
            inner, held = root_cause(snapshot, crit.made)
            if inner.kind != LEAD_TIME:
                parts.append(bottleneck_fragment(inner, product_name(snapshot, held.product_id), snapshot.tz))
        parts.append(sourcing_fragment(snapshot, crit))
    if prod.wait is not None:
        parts.append(bottleneck_fragment(production_bottleneck(snapshot, prod), tz=snapshot.tz))
    return parts


def buffer_fragments(snapshot: Snapshot, buffer_days: float) -> list[str]:
    """['production reliability buffer 1 d'] when the promise adds one (`buffer_days`, the
    line's own) to made goods."""
    if not buffer_days:
        return []
    days = _days(buffer_days)
    if snapshot.production_buffer_finished:
        done, orders = snapshot.production_buffer_finished
        if orders == 1:  # it learns from a single order, which has not finished
            return [_("production reliability buffer %(days)s d (the order it learns from has not finished "
                      "yet, sub-assemblies fill in)") % {"days": days}]
        return [_("production reliability buffer %(days)s d (%(done)s of the %(orders)s orders it learns "
                  "from finished so far, sub-assemblies fill in)") % {"days": days, "done": done, "orders": orders}]
    return [_("production reliability buffer %(days)s d") % {"days": days}]


def sentence(parts: list[str], ready: datetime, promise_date: date, tz: str = "UTC") -> str:
    """Join the fragments and the closing "ready …, delivered …" into one sentence."""
    closing = _("ready %(ready)s, delivered %(delivered)s") % {
        "ready": day(ready, tz),
        "delivered": day(promise_date),
    }
    text = "; ".join([*parts, closing])
    return text[:1].upper() + text[1:] + "."
