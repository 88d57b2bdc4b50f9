"""Issue #6 at real size: a work center leave re-promising ~2,000 of ~10,000 open MTO order lines.

``./setup/bench --volume`` (``--rebuild`` to rebuild the cached database):

1. **Build (once, cached)** ``mto_vol_10k`` from the scale-1 benchmark database ``mto_bench_mto_s1``
   (copied, never modified):
   a. a high-volume product family with the ORM: 12 finished products, each with a 2-level BoM
      (one make-to-order sub-assembly + purchased components with ample stock and a vendor), one or
      two short operations on the finished product and one on the sub-assembly, on the demo's work
      centers with short set-up times (Assembly, Assembly Line 2, Upholstery, Packing, Quality
      Control);
   b. the family's work centers booked with "other work" from now to the first working day after
      the demo's own load on them (the base day), then ``BASE_ORDERS`` x ``LINES_PER_ORDER`` lines
      promised and confirmed through the add-on (``action_mto_promise`` then ``action_confirm``, as
      admin): they book the base day (real MOs and sub-MOs linked by ``mto_sale_line_id``, work
      orders booked as ``resource.calendar.leaves`` with ``leave_id``, moves, pickings, promise
      dates); the base day's remaining working time is booked as "other work" too
      (``MTO_VOLUME_FILL=0`` leaves it free), so the plant is fully loaded;
   c. that day's rows cloned with SQL onto the following working days until ~``TARGET_LINES`` open
      lines exist: every table that received rows during (b) (except mail, queue and move lines)
      and the relation tables pointing at them, new ids from the sequences, foreign keys remapped
      within each clone, document names suffixed ``-V<k>``, every business date/datetime shifted by
      whole local days (same working hours, so the bookings stay inside the calendar and never
      overlap); then ``VACUUM ANALYZE`` and ORM checks.
2. **Measure** on a fresh copy ``mto_vol_run``: a real server (``--workers=2``, queue_job runner,
   channel ``root.mto:2``), a time off created over XML-RPC on the work center and date that affect
   ~``AFFECTED_TARGET`` lines, wait until the re-promise jobs are done, then count the recomputed
   lines and report. The server is always stopped.
"""
import configparser
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import xmlrpc.client
from collections import defaultdict
from datetime import datetime, timedelta

from .common import REPO, TZ_NAME, odoo_setup, replace_section

SOURCE_DB = "mto_bench_mto_s1"
VOL_DB = "mto_vol_10k"
RUN_DB = "mto_vol_run"
TARGET_LINES = 10_000
AFFECTED_TARGET = 2_000
BASE_ORDERS = 8
LINES_PER_ORDER = 5
COMPONENT_STOCK = 1_000_000.0
# fully booked family work centers: from now to the base day ("other work") and every cloned day's
# time left after its orders; False leaves ~30 % of each day free (forecasts then find early gaps)
FILL_DAYS = os.environ.get("MTO_VOLUME_FILL", "1") != "0"
JOB_TIMEOUT = 15 * 60
TARGET_SECONDS = 60
PREFIX = "VOL-"

# work centers by code: sub-assembly operation, first operation, optional final check
SA_WORKCENTERS = ("UPH", "UPH", "UPH", "PACK", "PACK", "PACK")
FP_WORKCENTERS = ("ASM1",) * 4 + ("ASM2",) * 4 + ("QC",) * 4
CHECK_WORKCENTER = "QC"

# tables never cloned (their rows during the base confirmation are logs, caches or reservations)
SKIP_PREFIXES = ("mail_", "bus_", "queue_", "ir_", "res_", "base_", "auth_", "iap_", "web_", "product_",
                 "stock_quant", "stock_move_line", "rule_", "digest_", "sms_", "snailmail_")
NO_SHIFT = {"create_date", "write_date", "date_order", "mto_forecast_computed_at"}
NAME_SUFFIX = {"sale_order": ("name",), "mrp_production": ("name", "origin"), "stock_picking": ("name", "origin"),
               "purchase_order": ("name", "origin"), "stock_reference": ("name",),
               "stock_move": ("reference", "origin"), "mrp_production_group": ("name",)}
ADDON_MARKER = "mto_vol.built"


def say(msg):
    print(f"\033[1;34m==>\033[0m {msg}", flush=True)


def _psql(sql, db="postgres"):
    out = subprocess.run(["psql", "-d", db, "-Atqc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _db_exists(name):
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def _drop(name):
    assert name.startswith("mto_vol"), name
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)


def _copy_db(src, dst, data_dir):
    assert dst.startswith("mto_vol"), dst
    _drop(dst)
    subprocess.run(["createdb", "-T", src, dst], check=True)
    src_fs, dst_fs = (os.path.join(data_dir, "filestore", n) for n in (src, dst))
    shutil.rmtree(dst_fs, ignore_errors=True)
    if os.path.isdir(src_fs):
        shutil.copytree(src_fs, dst_fs)


def addons_hash():
    out = subprocess.run("find addons -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z "
                         "| xargs -0 sha1sum | sha1sum | cut -c1-12", shell=True, cwd=REPO,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def built_info(name=VOL_DB):
    if not _db_exists(name):
        return None
    try:
        value = _psql(f"SELECT value FROM ir_config_parameter WHERE key = '{ADDON_MARKER}'", db=name)
    except subprocess.CalledProcessError:
        return None
    return json.loads(value) if value else None


# =================================================================================== build (child)
def _env(odoo, cr, user=None):
    return odoo.api.Environment(cr, user or odoo.SUPERUSER_ID, {
        "tz": TZ_NAME, "tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True})


def _wc_by_code(env):
    return {w.code: w for w in env["mrp.workcenter"].search([])}


def setup_family(env):
    """12 finished products, 6 MTO sub-assemblies, 4 purchased components in ample stock."""
    from odoo import Command

    wcs = _wc_by_code(env)
    mto = env.ref("stock.route_warehouse0_mto")
    mto.active = True
    manu = env.ref("mrp.route_warehouse0_manufacture")
    buy = env.ref("purchase_stock.route_warehouse0_buy")
    unit = env.ref("uom.product_uom_unit")
    vendor = env["res.partner"].search([("supplier_rank", ">", 0), ("is_company", "=", True)], order="name", limit=1)
    categ = env["product.category"].create({"name": "Volume Family (benchmark)"})
    comps = env["product.product"].create([{
        "name": f"Volume Component {i}", "default_code": f"{PREFIX}C{i:02d}", "type": "consu",
        "is_storable": True, "categ_id": categ.id, "standard_price": 10.0 + i, "sale_ok": False,
        "purchase_ok": True, "route_ids": [Command.set([buy.id])],
        "seller_ids": [Command.create({"partner_id": vendor.id, "price": 10.0 + i, "delay": 5})],
    } for i in range(1, 5)])
    subs = env["product.product"].create([{
        "name": f"Volume Sub-assembly {i}", "default_code": f"{PREFIX}SA{i:02d}", "type": "consu",
        "is_storable": True, "categ_id": categ.id, "sale_ok": False, "purchase_ok": False,
        "route_ids": [Command.set([mto.id, manu.id])],
    } for i in range(1, len(SA_WORKCENTERS) + 1)])
    fins = env["product.product"].create([{
        "name": f"Volume Product {i}", "default_code": f"{PREFIX}FP{i:02d}", "type": "consu",
        "is_storable": True, "categ_id": categ.id, "sale_ok": True, "purchase_ok": False,
        "list_price": 400.0 + 10 * i, "sale_delay": 2, "route_ids": [Command.set([mto.id, manu.id])],
    } for i in range(1, len(FP_WORKCENTERS) + 1)])
    company = env.company
    boms = []
    for i, (sub, wc) in enumerate(zip(subs, SA_WORKCENTERS, strict=True)):
        boms.append({
            "product_tmpl_id": sub.product_tmpl_id.id, "product_qty": 1.0, "product_uom_id": unit.id,
            "type": "normal", "company_id": company.id, "code": f"BOM-{sub.default_code}",
            "bom_line_ids": [Command.create({"product_id": comps[i % 4].id, "product_qty": 2}),
                             Command.create({"product_id": comps[(i + 1) % 4].id, "product_qty": 1})],
            "operation_ids": [Command.create({"name": "Pre-assemble", "workcenter_id": wcs[wc].id,
                                              "sequence": 10, "time_mode": "manual", "time_cycle_manual": 3})],
        })
    for i, (fin, wc) in enumerate(zip(fins, FP_WORKCENTERS, strict=True)):
        ops = [Command.create({"name": "Assemble", "workcenter_id": wcs[wc].id, "sequence": 10,
                               "time_mode": "manual", "time_cycle_manual": 5})]
        if i % 2 == 1 and wc != CHECK_WORKCENTER:
            ops.append(Command.create({"name": "Final check", "workcenter_id": wcs[CHECK_WORKCENTER].id,
                                       "sequence": 20, "time_mode": "manual", "time_cycle_manual": 2}))
        boms.append({
            "product_tmpl_id": fin.product_tmpl_id.id, "product_qty": 1.0, "product_uom_id": unit.id,
            "type": "normal", "company_id": company.id, "code": f"BOM-{fin.default_code}",
            "bom_line_ids": [Command.create({"product_id": subs[i % len(subs)].id, "product_qty": 1}),
                             Command.create({"product_id": comps[i % 4].id, "product_qty": 1})],
            "operation_ids": ops,
        })
    env["mrp.bom"].create(boms)
    stock = env["stock.warehouse"].search([("company_id", "=", company.id)], order="id", limit=1).lot_stock_id
    quants = env["stock.quant"].with_context(inventory_mode=True).create([
        {"product_id": c.id, "location_id": stock.id, "inventory_quantity": COMPONENT_STOCK} for c in comps])
    quants._apply_inventory()
    family_wcs = env["mrp.workcenter"].browse(sorted({wcs[c].id for c in SA_WORKCENTERS + FP_WORKCENTERS
                                                      + (CHECK_WORKCENTER,)}))
    return fins, subs, comps, family_wcs


def _local_midnight_utc(day, tz):
    import pytz

    return tz.localize(datetime.combine(day, datetime.min.time())).astimezone(pytz.utc).replace(tzinfo=None)


def _working_by_day(env, workcenters, start, days):
    """{local date: {wc id: tuple of (start, end) local naive times}} of the work centers' calendars."""
    import pytz

    result = defaultdict(dict)
    end = start + timedelta(days=days)
    for wc in workcenters:
        cal = wc.resource_calendar_id
        tz = pytz.timezone(cal.tz or "UTC")
        intervals = cal._work_intervals_batch(pytz.utc.localize(start), pytz.utc.localize(end),
                                              resources=wc.resource_id, tz=tz)[wc.resource_id.id]
        per_day = defaultdict(list)
        for s, e, _r in intervals:
            s, e = s.astimezone(tz), e.astimezone(tz)
            per_day[s.date()].append((s.time(), e.time()))
        for day, items in per_day.items():
            result[day][wc.id] = tuple(sorted(items))
    return result


def _max_ids(cr):
    cr.execute("""SELECT c.table_name FROM information_schema.columns c
                  JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = 'public'
                  WHERE c.table_schema = 'public' AND c.column_name = 'id' AND t.table_type = 'BASE TABLE'
                    AND c.data_type = 'integer'""")
    tables = [r[0] for r in cr.fetchall()]
    result = {}
    for table in tables:
        cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        result[table] = cr.fetchone()[0]
    return result


def block_until_free_day(env, family_wcs):
    """Book the family's work centers from now until the first working day after the demo's own load
    on them ("other work", kept: a plant with a year of backlog has no free month in front).
    Returns the base day (local date)."""
    import pytz

    from odoo import fields

    now = fields.Datetime.now()
    tz = pytz.timezone(family_wcs[0].resource_calendar_id.tz or TZ_NAME)
    env.cr.execute("""SELECT MAX(date_to) FROM resource_calendar_leaves WHERE resource_id IN %s""",
                   [tuple(family_wcs.resource_id.ids)])
    busy_until = max(env.cr.fetchone()[0] or now, now)
    working = _working_by_day(env, family_wcs, now, (busy_until - now).days + 30)
    base_day = min(d for d in working if _local_midnight_utc(d, tz) > busy_until and len(working[d]) == len(family_wcs))
    block_to = _local_midnight_utc(base_day, tz)
    env["resource.calendar.leaves"].with_context(mto_booking=True).create([{
        "name": "Other work (volume benchmark)", "resource_id": wc.resource_id.id,
        "calendar_id": wc.resource_calendar_id.id, "time_type": "other",
        "date_from": now - timedelta(days=1), "date_to": block_to} for wc in family_wcs])
    return base_day


def confirm_base(env, fins, say=say):
    """Promise and confirm the base orders through the add-on, as admin."""
    from odoo import Command

    admin = env.ref("base.user_admin")
    aenv = env(user=admin.id, su=False)
    customers = aenv["res.partner"].search([("customer_rank", ">", 0), ("is_company", "=", True),
                                            ("parent_id", "=", False)], order="name")
    orders = aenv["sale.order"]
    n = 0
    for o in range(BASE_ORDERS):
        lines = []
        for _j in range(LINES_PER_ORDER):
            lines.append(Command.create({"product_id": fins[n % len(fins)].id, "product_uom_qty": 1}))
            n += 1
        order = aenv["sale.order"].create({"partner_id": customers[o % len(customers)].id,
                                           "client_order_ref": f"VOL-BASE-{o + 1}", "order_line": lines})
        t0 = time.perf_counter()
        order.action_mto_promise()
        order.action_confirm()
        say(f"base order {o + 1}/{BASE_ORDERS} {order.name}: promised and confirmed in "
            f"{time.perf_counter() - t0:.1f}s")
        orders |= order
    return orders


def fill_day(env, family_wcs, base_day):
    """Book the base day's remaining working time on the family's work centers ("other work"), so
    that every cloned day is fully booked. Returns the minutes booked per work center code."""
    import pytz

    tz = pytz.timezone(family_wcs[0].resource_calendar_id.tz or TZ_NAME)
    start = _local_midnight_utc(base_day, tz)
    end = start + timedelta(days=1)
    vals, filled = [], {}
    for wc in family_wcs:
        cal = wc.resource_calendar_id
        intervals = cal._work_intervals_batch(pytz.utc.localize(start), pytz.utc.localize(end),
                                              resources=wc.resource_id, tz=tz)[wc.resource_id.id]
        booked = sorted((le.date_from, le.date_to) for le in env["resource.calendar.leaves"].search([
            ("resource_id", "=", wc.resource_id.id), ("time_type", "=", "other"),
            ("date_from", "<", end), ("date_to", ">", start)]))
        minutes = 0.0
        for s, e, _r in intervals:
            cursor = s.astimezone(pytz.utc).replace(tzinfo=None)
            stop = e.astimezone(pytz.utc).replace(tzinfo=None)
            for b_from, b_to in booked + [(stop, stop)]:
                if b_to <= cursor:
                    continue
                gap_end = min(b_from, stop)
                if (gap_end - cursor).total_seconds() >= 60:
                    vals.append({"name": "Other work (volume benchmark)", "resource_id": wc.resource_id.id,
                                 "calendar_id": cal.id, "time_type": "other", "date_from": cursor,
                                 "date_to": gap_end})
                    minutes += (gap_end - cursor).total_seconds() / 60
                cursor = max(cursor, b_to)
                if cursor >= stop:
                    break
        filled[wc.code] = round(minutes)
    env["resource.calendar.leaves"].with_context(mto_booking=True).create(vals)
    return filled


def _columns(cr, table):
    cr.execute("""SELECT column_name, data_type FROM information_schema.columns
                  WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position""", [table])
    return cr.fetchall()


def _foreign_keys(cr):
    """{(table, column): referenced table} for single-column foreign keys."""
    cr.execute("""SELECT cl.relname, att.attname, rcl.relname
                  FROM pg_constraint con
                  JOIN pg_class cl ON cl.oid = con.conrelid
                  JOIN pg_class rcl ON rcl.oid = con.confrelid
                  JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
                  WHERE con.contype = 'f' AND array_length(con.conkey, 1) = 1""")
    return {(t, c): r for t, c, r in cr.fetchall()}


def clone_base(cr, before, shifts, say=say):
    """Copy every row created since `before` (max ids) once per entry of `shifts`
    ([(k, interval, days)]), remapping foreign keys inside each copy."""
    after = _max_ids(cr)
    tables = sorted(t for t in after if after[t] > before.get(t, 0) and not t.startswith(SKIP_PREFIXES))
    fks = _foreign_keys(cr)
    cr.execute("CREATE TEMP TABLE vol_shift (k int PRIMARY KEY, delta interval, days int)")
    cr.executemany("INSERT INTO vol_shift VALUES (%s, %s, %s)", shifts)
    counts = {}
    for table in tables:
        cr.execute(f"""CREATE TEMP TABLE "vmap_{table}" AS
                       SELECT s.k, t.id AS old_id, nextval(pg_get_serial_sequence('"{table}"', 'id'))::int AS new_id
                       FROM "{table}" t CROSS JOIN vol_shift s WHERE t.id > %s""", [before.get(table, 0)])
        cr.execute(f'CREATE INDEX ON "vmap_{table}" (old_id, k)')
        cr.execute(f'ANALYZE "vmap_{table}"')
        cr.execute(f'SELECT COUNT(DISTINCT old_id) FROM "vmap_{table}"')
        counts[table] = cr.fetchone()[0]
    cloned = set(tables)
    cr.execute("SET session_replication_role = replica")  # no FK triggers: rows are inserted in any order
    inserted = {}
    for table in tables:
        cols = _columns(cr, table)
        select, joins = [], []
        for i, (col, dtype) in enumerate(cols):
            ref = fks.get((table, col))
            if col == "id":
                select.append("m.new_id")
            elif ref in cloned:
                joins.append(f'LEFT JOIN "vmap_{ref}" j{i} ON j{i}.old_id = t."{col}" AND j{i}.k = m.k')
                select.append(f'COALESCE(j{i}.new_id, t."{col}")')
            elif col in NAME_SUFFIX.get(table, ()):
                select.append(f"""CASE WHEN t."{col}" IS NULL THEN NULL ELSE t."{col}" || '-V' || m.k END""")
            elif dtype.startswith("timestamp") and col not in NO_SHIFT:
                select.append(f't."{col}" + s.delta')
            elif dtype == "date" and col not in NO_SHIFT:
                select.append(f't."{col}" + s.days')
            else:
                select.append(f't."{col}"')
        names = ", ".join(f'"{c}"' for c, _d in cols)
        cr.execute(f"""INSERT INTO "{table}" ({names})
                       SELECT {", ".join(select)} FROM "{table}" t
                       JOIN "vmap_{table}" m ON m.old_id = t.id JOIN vol_shift s ON s.k = m.k
                       {" ".join(joins)}""")
        inserted[table] = cr.rowcount
    # relation tables (no id) with a foreign key to a cloned table
    rel_tables = defaultdict(list)
    for (table, col), ref in fks.items():
        if ref in cloned and table not in after and not table.startswith(SKIP_PREFIXES):
            rel_tables[table].append((col, ref))
    for table, refs in sorted(rel_tables.items()):
        cols = [c for c, _d in _columns(cr, table)]
        ref_of = dict(refs)
        select, joins, conds = [], [], []
        for i, col in enumerate(cols):
            if col in ref_of:
                joins.append(f'LEFT JOIN "vmap_{ref_of[col]}" j{i} ON j{i}.old_id = t."{col}" AND j{i}.k = s.k')
                select.append(f'COALESCE(j{i}.new_id, t."{col}")')
                conds.append(f"j{i}.new_id IS NOT NULL")
            else:
                select.append(f't."{col}"')
        names = ", ".join(f'"{c}"' for c in cols)
        cr.execute(f"""INSERT INTO "{table}" ({names})
                       SELECT {", ".join(select)} FROM "{table}" t CROSS JOIN vol_shift s {" ".join(joins)}
                       WHERE {" OR ".join(conds)} ON CONFLICT DO NOTHING""")
        inserted[table] = cr.rowcount
    cr.execute("SET session_replication_role = DEFAULT")
    # a clone's reservations are not cloned (its quants would not add up): its moves wait for stock
    if "stock_move" in cloned:
        cr.execute("""UPDATE stock_move SET state = 'confirmed', quantity = 0, picked = false
                      WHERE id IN (SELECT new_id FROM vmap_stock_move)
                        AND state IN ('assigned', 'partially_available')""")
    if "mrp_production" in cloned:
        cr.execute("""UPDATE mrp_production SET reservation_state = 'confirmed'
                      WHERE id IN (SELECT new_id FROM vmap_mrp_production) AND reservation_state = 'assigned'""")
    return counts, inserted


def generate(conf, db):
    """Child process: family + base orders + clones into `db`; sets the build marker (committed)."""
    import pytz

    odoo = odoo_setup(conf)
    from odoo import fields

    reg = odoo.modules.registry.Registry(db)
    timings = {}
    t0 = time.perf_counter()
    with reg.cursor() as cr:
        env = _env(odoo, cr)
        env.ref("base.user_admin").password = "admin"  # the measurement logs in over XML-RPC
        fins, _subs, _comps, family_wcs = setup_family(env)
        say(f"product family: {len(fins)} finished products, work centers {', '.join(family_wcs.mapped('code'))}")
        cr.commit()
        timings["family"] = time.perf_counter() - t0
        base_day = block_until_free_day(env, family_wcs)
        cr.commit()
        t1 = time.perf_counter()
        before = _max_ids(cr)
        orders = confirm_base(env, fins)
        filled = fill_day(env, family_wcs, base_day) if FILL_DAYS else {}
        env.flush_all()
        timings["base"] = time.perf_counter() - t1
        base_lines = orders.order_line.filtered(lambda sol: not sol.display_type)
        base_mos = env["mrp.production"].search([("mto_sale_line_id", "in", base_lines.ids)])
        base_wos = base_mos.workorder_ids
        booked = base_wos.filtered("leave_id")
        span_from = min(booked.leave_id.mapped("date_from"))
        span_to = max(booked.leave_id.mapped("date_to"))
        say(f"base: {len(orders)} orders, {len(base_lines)} lines, {len(base_mos)} MOs, {len(base_wos)} work orders "
            f"({len(booked)} booked {span_from} .. {span_to} UTC), promised "
            f"{min(base_lines.mapped('mto_promise_date'))} .. {max(base_lines.mapped('mto_promise_date'))}")
        if filled:
            say("free time left on the base day booked as other work (min): "
                + ", ".join(f"{k} {v}" for k, v in filled.items()))
        cr.commit()
        # the clone days: working days after the base whose working hours equal the base span's
        tz = pytz.timezone(family_wcs[0].resource_calendar_id.tz or TZ_NAME)
        local_from = pytz.utc.localize(span_from).astimezone(tz)
        local_to = pytz.utc.localize(span_to).astimezone(tz)
        span_days = (local_to.date() - local_from.date()).days + 1
        n_clones = math.ceil(TARGET_LINES / len(base_lines)) - 1
        now = fields.Datetime.now()
        working = _working_by_day(env, family_wcs, now, 900)
        pattern = [working.get(local_from.date() + timedelta(days=i), {}) for i in range(span_days)]
        shifts, d = [], span_days
        while len(shifts) < n_clones and d < 880:
            if all(working.get(local_from.date() + timedelta(days=d + i), {}) == pattern[i] for i in range(span_days)):
                new_from = tz.localize(datetime.combine(local_from.date() + timedelta(days=d), local_from.time()))
                delta = new_from.astimezone(pytz.utc).replace(tzinfo=None) - span_from
                shifts.append((len(shifts) + 1, delta, d))
                d += span_days
            else:
                d += 1
        last_end = span_to + shifts[-1][1]
        say(f"cloning the base {len(shifts)} times onto the next working days ({local_from.date()} + 1 .. "
            f"{local_from.date() + timedelta(days=shifts[-1][2])}), span {span_days} day(s)")
        t2 = time.perf_counter()
        counts, inserted = clone_base(cr, before, shifts)
        horizon = max(365, (last_end - now).days + 60)
        env["ir.config_parameter"].set_param("mto_fulfilment.horizon_days", str(horizon))
        # jobs queued while building are stale: the measurement must see only its own
        cr.execute("DELETE FROM queue_job")
        env.invalidate_all()
        cr.commit()
        timings["clone"] = time.perf_counter() - t2
        say(f"cloned in {timings['clone']:.0f}s: " + ", ".join(f"{t} {inserted[t]}" for t in sorted(inserted)))
        say(f"mto_fulfilment.horizon_days set to {horizon} (the backlog ends {last_end:%Y-%m-%d})")
        marker = {
            "built_on": time.strftime("%Y-%m-%d %H:%M"), "source": SOURCE_DB, "addons_hash": addons_hash(),
            "base_orders": len(orders), "base_lines": len(base_lines), "base_mos": len(base_mos),
            "base_workorders": len(base_wos), "base_day": str(base_day), "filled_minutes": filled,
            "clones": len(shifts),
            "backlog_end": f"{last_end:%Y-%m-%d}", "horizon_days": horizon,
            "tables": counts, "inserted": inserted, "timings": {k: round(v, 1) for k, v in timings.items()},
        }
        env["ir.config_parameter"].set_param(ADDON_MARKER + ".pending", json.dumps(marker))
        cr.commit()


def verify(conf, db):
    """Child process: ORM checks on the built database (nothing persists); sets the build marker."""
    odoo = odoo_setup(conf)
    from odoo import fields

    reg = odoo.modules.registry.Registry(db)
    with reg.cursor() as cr:
        env = _env(odoo, cr)
        marker = json.loads(env["ir.config_parameter"].get_param(ADDON_MARKER + ".pending"))
        SaleLine = env["sale.order.line"]
        t0 = time.perf_counter()
        open_lines = SaleLine.search(SaleLine._mto_open_promised_domain())
        t_search = time.perf_counter() - t0
        mos = env["mrp.production"].search_count([("mto_sale_line_id", "in", open_lines.ids)])
        wos = env["mrp.workorder"].search_count([("production_id.mto_sale_line_id", "in", open_lines.ids),
                                                 ("leave_id", "!=", False)])
        now = fields.Datetime.now()
        per_wc = {}
        for wc in env["mrp.workcenter"].search([], order="code"):
            per_wc[wc.code] = len(SaleLine._mto_lines_for_workcenters(wc, now))
        vol = open_lines.filtered(lambda sol: sol.product_id.default_code and
                                  sol.product_id.default_code.startswith(PREFIX)).sorted("id")
        sample = vol[:3] | vol[-2:]
        t1 = time.perf_counter()
        done = sample._mto_repromise_job()
        t_job = time.perf_counter() - t1
        rows = [(s.order_id.name, s.product_id.default_code, str(s.mto_promise_date), str(s.mto_forecast_date),
                 s.mto_at_risk) for s in sample]
        say(f"ORM check: {len(open_lines)} open promised lines ({len(vol)} of the volume family) found in "
            f"{t_search:.1f}s; {mos} MOs and {wos} booked work orders linked to them")
        say("open lines with work orders on each work center (from now): "
            + ", ".join(f"{k} {v}" for k, v in per_wc.items()))
        say(f"_mto_repromise_job on 5 lines (first, last): {done} recomputed in {t_job:.1f}s:")
        for row in rows:
            print("     order {} {} promised {} forecast {} at risk {}".format(*row), flush=True)
        if len(open_lines) < 0.9 * TARGET_LINES or done != len(sample):
            raise RuntimeError(f"the volume database does not look right: {len(open_lines)} open lines, "
                               f"{done}/{len(sample)} re-promised")
        cr.rollback()
        marker.update({"open_lines": len(open_lines), "volume_lines": len(vol), "mos": mos, "booked_workorders": wos,
                       "lines_per_workcenter": per_wc, "sample": rows})
        env["ir.config_parameter"].set_param(ADDON_MARKER, json.dumps(marker))
        cr.commit()


# =================================================================================== build (parent)
def _odoo_bin(args, conf, db, *extra, log):
    return subprocess.run([args.python, os.path.join(args.odoo_src, "odoo-bin"), "-c", conf, "-d", db, *extra],
                          check=True, stdout=log, stderr=subprocess.STDOUT)


def _child(args, command, db, log):
    subprocess.run([args.python, "-m", "bench", command, "-c", args.config, "-d", db], check=True,
                   stdout=log if log else None, stderr=subprocess.STDOUT if log else None, cwd=REPO)


def build(args, data_dir, log_dir):
    """Make sure mto_vol_10k exists; returns (info, seconds spent building)."""
    info = built_info()
    if info and not args.rebuild:
        say(f"{VOL_DB}: cached (built {info['built_on']}, {info['open_lines']} open promised lines); "
            f"--rebuild to rebuild")
        if info.get("base_day", "9999") <= time.strftime("%Y-%m-%d"):
            say(f"!! {VOL_DB}'s backlog started on {info['base_day']}: today some of its work orders are in "
                f"the past, the figures are no longer comparable: use --rebuild (and rebuild {SOURCE_DB})")
        return info, 0.0
    if not _db_exists(SOURCE_DB):
        raise RuntimeError(f"{SOURCE_DB} is missing")
    t0 = time.perf_counter()
    tmp = f"{VOL_DB}_tmp"
    _drop(VOL_DB)
    say(f"{tmp}: copy of {SOURCE_DB}, mto_fulfilment updated from the working tree")
    _copy_db(SOURCE_DB, tmp, data_dir)
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, f"{VOL_DB}-build.log")
    with open(log_path, "w") as log:
        _odoo_bin(args, args.config, tmp, "-u", "mto_fulfilment", "--stop-after-init", "--log-level=warn", log=log)
    say(f"{tmp}: product family, base orders through the add-on, SQL clones (log: {log_path})")
    _child(args, "volume-generate", tmp, None)
    t1 = time.perf_counter()
    _psql("VACUUM ANALYZE", db=tmp)
    say(f"VACUUM ANALYZE in {time.perf_counter() - t1:.0f}s")
    _child(args, "volume-verify", tmp, None)
    _psql(f'ALTER DATABASE "{tmp}" RENAME TO "{VOL_DB}"')
    fs = os.path.join(data_dir, "filestore")
    shutil.rmtree(os.path.join(fs, VOL_DB), ignore_errors=True)
    if os.path.isdir(os.path.join(fs, tmp)):
        os.rename(os.path.join(fs, tmp), os.path.join(fs, VOL_DB))
    seconds = time.perf_counter() - t0
    info = built_info()
    info["build_seconds"] = round(seconds)
    _psql(f"UPDATE ir_config_parameter SET value = '{json.dumps(info)}' WHERE key = '{ADDON_MARKER}'", db=VOL_DB)
    say(f"{VOL_DB}: built in {seconds:.0f}s")
    return info, seconds


# =================================================================================== measurement
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def choose_leave(conf, db):
    """(work center, date_from, date_to, affected line ids): the time off that affects closest to
    AFFECTED_TARGET lines, starting at local midnight of a working day."""
    import pytz

    odoo = odoo_setup(conf)
    from odoo import fields

    reg = odoo.modules.registry.Registry(db)
    with reg.cursor() as cr:
        env = _env(odoo, cr)
        SaleLine = env["sale.order.line"]
        now = fields.Datetime.now()
        wcs = env["mrp.workcenter"].search([], order="code")
        # lines per work center by the day their last open work order there finishes
        cr.execute("""SELECT wo.workcenter_id, sol.id, MAX(wo.date_finished)
                      FROM mrp_workorder wo JOIN mrp_production mo ON mo.id = wo.production_id
                      JOIN sale_order_line sol ON sol.id = mo.mto_sale_line_id
                      WHERE wo.state NOT IN ('done', 'cancel') GROUP BY 1, 2""")
        ends = defaultdict(list)
        for wc_id, _line, end in cr.fetchall():
            ends[wc_id].append(end)
        best = None
        for wc in wcs:
            if len(ends[wc.id]) < AFFECTED_TARGET:
                continue
            tz = pytz.timezone(wc.resource_calendar_id.tz or TZ_NAME)
            finishes = sorted(e for e in ends[wc.id] if e)
            guess = finishes[-AFFECTED_TARGET]
            day = pytz.utc.localize(guess).astimezone(tz).date()
            for cand in (day, day + timedelta(days=1)):
                start = _local_midnight_utc(cand, tz)
                if start <= now:
                    continue
                n = sum(1 for e in finishes if e >= start)
                if best is None or abs(n - AFFECTED_TARGET) < abs(best[3] - AFFECTED_TARGET) or (
                        abs(n - AFFECTED_TARGET) == abs(best[3] - AFFECTED_TARGET) and len(ends[wc.id]) > best[4]):
                    best = (wc, start, cand, n, len(ends[wc.id]))
        if not best:
            raise RuntimeError("no work center has enough open lines for the measurement")
        wc, start, _day, _n, _total = best
        date_to = start + timedelta(days=2)
        lines = SaleLine._mto_lines_for_workcenters(wc, start)
        open_count = SaleLine.search_count(SaleLine._mto_open_promised_domain())
        return {"workcenter_id": wc.id, "workcenter": wc.name, "resource_id": wc.resource_id.id,
                "calendar_id": wc.resource_calendar_id.id, "date_from": start, "date_to": date_to,
                "affected_ids": sorted(lines.ids), "wc_lines": best[4], "open_lines": open_count}


def _write_conf(conf, run_conf, port):
    cp = configparser.RawConfigParser()
    cp.read(conf)
    opts = cp["options"]
    opts["db_name"] = RUN_DB
    opts["dbfilter"] = f"^{RUN_DB}$"
    opts["list_db"] = "False"
    opts["http_interface"] = "127.0.0.1"
    opts["http_port"] = str(port)
    opts["max_cron_threads"] = "0"
    opts["server_wide_modules"] = "base,web,queue_job"
    if not cp.has_section("queue_job"):
        cp.add_section("queue_job")
    cp["queue_job"]["channels"] = "root:2,root.mto:2"
    with open(run_conf, "w") as f:
        cp.write(f)


class Server:
    def __init__(self, args, conf, log_path, port):
        self.args, self.conf, self.log_path, self.port = args, conf, log_path, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self, timeout=180):
        log = open(self.log_path, "w")  # noqa: SIM115 - kept for the child's lifetime
        env = {**os.environ, "ODOO_QUEUE_JOB_HOST": "127.0.0.1", "ODOO_QUEUE_JOB_PORT": str(self.port)}
        self.proc = subprocess.Popen(
            [self.args.python, os.path.join(self.args.odoo_src, "odoo-bin"), "-c", self.conf, "-d", RUN_DB,
             f"--db-filter=^{RUN_DB}$", "--workers=2", "--max-cron-threads=0", f"--http-port={self.port}",
             "--http-interface=127.0.0.1", "--limit-time-cpu=1800", "--limit-time-real=3600",
             "--limit-memory-soft=4294967296", "--limit-memory-hard=6442450944",
             "--log-handler=odoo.addons.rpc.controllers:ERROR"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited early, see {self.log_path}")
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer within {timeout}s, see {self.log_path}")

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass


def _group_cpu(pgid):
    """CPU seconds (user + system) used so far by the live processes of process group `pgid`."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields_ = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields_[2]) == pgid:
            total += int(fields_[11]) + int(fields_[12])
    return total / tick


def _pid_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields_ = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


def _backend_cpu(db):
    """{pid: CPU seconds} of the PostgreSQL backends connected to `db` (same machine only)."""
    pids = _psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()")
    return {int(p): c for p in pids.split() if (c := _pid_cpu(int(p))) is not None}


def _rpc(server, db, uid, password):
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *a, **kw):
        return models.execute_kw(db, uid, password, model, method, list(a), kw)
    return call


def _dt(value):
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if value else None


def measure(args, data_dir, log_dir, info):
    say(f"{RUN_DB}: fresh copy of {VOL_DB}")
    t0 = time.perf_counter()
    _copy_db(VOL_DB, RUN_DB, data_dir)
    copy_seconds = time.perf_counter() - t0
    if info.get("addons_hash") != addons_hash():
        say(f"{RUN_DB}: add-ons changed since the build: updating mto_fulfilment")
        with open(os.path.join(log_dir, f"{RUN_DB}-update.log"), "w") as log:
            _odoo_bin(args, args.config, RUN_DB, "-u", "mto_fulfilment", "--stop-after-init",
                      "--log-level=warn", log=log)
    plan = choose_leave(args.config, RUN_DB)
    odoo = odoo_setup(args.config)
    odoo.sql_db.close_db(RUN_DB)
    say(f"time off on {plan['workcenter']} from {plan['date_from']} UTC for 2 days: affects "
        f"{len(plan['affected_ids'])} of {plan['open_lines']} open promised lines "
        f"({plan['wc_lines']} have work orders there)")
    port = _free_port()
    run_conf = os.path.join(REPO, ".local", "bench-volume.conf")
    _write_conf(args.config, run_conf, port)
    server = Server(args, run_conf, os.path.join(log_dir, f"{RUN_DB}-server.log"), port)
    result = {"plan": {k: (str(v) if isinstance(v, datetime) else v) for k, v in plan.items() if k != "affected_ids"},
              "affected": len(plan["affected_ids"]), "copy_seconds": round(copy_seconds, 1)}
    try:
        server.start()
        say(f"Odoo on 127.0.0.1:{port}, --workers=2, queue_job channel root.mto:2 (log {server.log_path})")
        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate(RUN_DB, "admin", "admin", {})
        if not uid:
            raise RuntimeError("admin/admin cannot log in")
        call = _rpc(server, RUN_DB, uid, "admin")
        time.sleep(3)  # let the job runner connect
        load_start = " ".join(f"{x:.1f}" for x in os.getloadavg())
        cpu_start = _group_cpu(server.proc.pid)
        pg_start = _backend_cpu(RUN_DB)
        start = datetime.utcnow().replace(microsecond=0)
        t_start = time.perf_counter()
        call("resource.calendar.leaves", "create", [{
            "name": "Volume benchmark: unplanned repair", "resource_id": plan["resource_id"],
            "calendar_id": plan["calendar_id"], "time_type": "leave",
            "date_from": plan["date_from"].strftime("%Y-%m-%d %H:%M:%S"),
            "date_to": plan["date_to"].strftime("%Y-%m-%d %H:%M:%S")}])
        create_seconds = time.perf_counter() - t_start
        start_s = start.strftime("%Y-%m-%d %H:%M:%S")
        job_domain = [("method_name", "=", "_mto_repromise_job"), ("date_created", ">=", start_s)]
        say(f"leave created over XML-RPC in {create_seconds:.1f}s; waiting for the re-promise jobs "
            f"(at most {JOB_TIMEOUT // 60} min)")
        # polled in SQL (read only), so that polling takes no HTTP worker from the jobs
        sql = ("SELECT state, COUNT(*) FROM queue_job WHERE method_name = '_mto_repromise_job' "
               f"AND date_created >= '{start_s}' GROUP BY state")
        last_report, timed_out, states = 0, False, {}
        while True:
            states = dict(line.split("|") for line in _psql(sql, db=RUN_DB).splitlines())
            elapsed = time.perf_counter() - t_start
            if states and not set(states) - {"done", "failed", "cancelled"}:
                break
            if elapsed > JOB_TIMEOUT:
                timed_out = True
                break
            if elapsed - last_report >= 15:
                say(f"  {elapsed:.0f}s: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
                last_report = elapsed
            time.sleep(0.5)
        cpu_seconds = _group_cpu(server.proc.pid) - cpu_start
        pg_end = _backend_cpu(RUN_DB)
        pg_seconds = sum(c - pg_start.get(pid, 0.0) for pid, c in pg_end.items())
        fields_ = ["state", "date_created", "date_started", "date_done", "exec_time", "exc_info", "uuid"]
        jobs = call("queue.job", "search_read", job_domain, fields=fields_, order="date_started")
        poll_seconds = time.perf_counter() - t_start
        done_at = [_dt(j["date_done"]) for j in jobs if j["date_done"]]
        wall = (max(done_at) - start).total_seconds() if done_at and not timed_out else None
        recomputed = call("sale.order.line", "search", [("mto_forecast_computed_at", ">=", start_s)])
        affected = set(plan["affected_ids"])
        at_risk = call("sale.order.line", "search_count",
                       [("id", "in", recomputed), ("mto_at_risk", "=", True)]) if recomputed else 0
        orders_at_risk = call("sale.order", "search_count", [("mto_at_risk", "=", True)])
        exec_times = sorted(j["exec_time"] or 0.0 for j in jobs if j["state"] == "done")
        timeline = [(round((_dt(j["date_started"]) - start).total_seconds()),
                     round((_dt(j["date_done"]) - start).total_seconds())) for j in jobs
                    if j["date_started"] and j["date_done"]]
        failed = [j for j in jobs if j["state"] == "failed"]
        for j in failed[:3]:
            print((j["exc_info"] or "")[-2000:], file=sys.stderr)
        result.update({
            "start": start_s, "leave_create_seconds": round(create_seconds, 2),
            "wall_seconds": round(wall, 1) if wall is not None else None, "timed_out": timed_out,
            "poll_seconds": round(poll_seconds, 1), "jobs": len(jobs), "jobs_failed": len(failed),
            "jobs_states": dict(sorted({s: sum(1 for j in jobs if j["state"] == s) for s in
                                        {j["state"] for j in jobs}}.items())),
            "job_exec_seconds": [round(x, 1) for x in exec_times], "job_timeline": timeline,
            "server_cpu_seconds": round(cpu_seconds, 1), "postgres_cpu_seconds": round(pg_seconds, 1),
            "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()), "load_average_start": load_start,
            "recomputed": len(recomputed), "recomputed_affected": len(affected & set(recomputed)),
            "recomputed_unaffected": len(set(recomputed) - affected),
            "affected_not_recomputed": len(affected - set(recomputed)),
            "at_risk": at_risk, "orders_at_risk": orders_at_risk,
        })
    finally:
        server.stop()
        say("server stopped")
    return result


def profile_batch(conf, db, affected_ids, batch_size):
    """cProfile of one job's batch on the run database (rolled back); returns the top of the profile."""
    import cProfile
    import io
    import pstats

    odoo = odoo_setup(conf)
    reg = odoo.modules.registry.Registry(db)
    with reg.cursor() as cr:
        env = _env(odoo, cr)
        lines = env["sale.order.line"].browse(affected_ids[:batch_size])
        q0 = cr.sql_log_count
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        lines._mto_repromise_job()
        env.flush_all()
        prof.disable()
        seconds = time.perf_counter() - t0
        queries = cr.sql_log_count - q0
        cr.rollback()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
    return seconds, queries, out.getvalue()


# =================================================================================== report
BEGIN = "<!-- volume:begin (generated by setup/bench --volume) -->"
END = "<!-- volume:end -->"


def markdown(info, result, build_seconds, profile=None):
    plan = result["plan"]
    wall = result.get("wall_seconds")
    verdict = ("**timed out**" if result.get("timed_out") else
               f"**{wall:.0f} s** ({'under' if wall < TARGET_SECONDS else 'over'} the {TARGET_SECONDS} s target)")
    ex = result.get("job_exec_seconds") or [0]
    lines = [
        BEGIN, "",
        "### Re-promise at real size (`./setup/bench --volume`)", "",
        f"Last run: {time.strftime('%Y-%m-%d %H:%M')} UTC on `{RUN_DB}`, a fresh copy of `{VOL_DB}` "
        f"({info.get('open_lines')} open promised lines; built {info.get('built_on')}"
        + (f" in {build_seconds / 60:.1f} min" if build_seconds else
           f", build took {info.get('build_seconds', 0) / 60:.1f} min") + ").", "",
        "| figure | value |", "|---|---|",
        f"| time off | {plan['workcenter']}, {plan['date_from']} – {plan['date_to']} UTC, created over XML-RPC "
        f"as admin ({result.get('leave_create_seconds')} s for the call) |",
        f"| lines affected (`_mto_lines_for_workcenters`) | {result['affected']} of {plan['open_lines']} open "
        f"promised lines |",
        f"| wall-clock, leave created → last job done | {verdict} |",
        f"| jobs (channel root.mto, capacity 2, `--workers=2`) | {result.get('jobs')} "
        f"({', '.join(f'{k} {v}' for k, v in result.get('jobs_states', {}).items())}); "
        f"run time per job {min(ex):.1f}–{max(ex):.1f} s, total {sum(ex):.0f} s; started–done (s after the "
        f"leave): {', '.join(f'{a}–{b}' for a, b in result.get('job_timeline', []))} |",
        f"| lines recomputed (`mto_forecast_computed_at` ≥ start) | {result.get('recomputed')} "
        f"({result.get('recomputed_affected')} affected, {result.get('recomputed_unaffected')} not affected, "
        f"{result.get('affected_not_recomputed')} affected lines missed) |",
        f"| lines at risk after the re-promise | {result.get('at_risk')} ({result.get('orders_at_risk')} orders "
        f"at risk in the database) |",
    ]
    cpu, pg = result.get("server_cpu_seconds") or 0.0, result.get("postgres_cpu_seconds") or 0.0
    lines.append(f"| CPU used from the leave to the last job (user + system; other processes' load does not "
                 f"inflate it) | Odoo server (all its processes) {cpu:.1f} s + PostgreSQL backends of the "
                 f"database {pg:.1f} s = {cpu + pg:.1f} s, i.e. ~{(cpu + pg) / 2:.0f} s on 2 free cores |")
    lines.append(f"| machine | {os.cpu_count()} cores shared with other work; load average (1/5/15 min) "
                 f"{result.get('load_average_start')} at the leave, {result.get('load_average')} at the end |")
    if profile:
        seconds, queries, _text = profile
        lines.append(f"| one batch in-process (cProfile, rolled back) | {seconds:.1f} s, {queries} queries |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def write_markdown(path, section):
    replace_section(path, BEGIN, END, section, after="<!-- bench:end -->")


def main_volume(args):
    from odoo.tools import config

    odoo_setup(args.config)
    data_dir = config["data_dir"]
    log_dir = os.path.join(REPO, ".local", "log")
    os.makedirs(log_dir, exist_ok=True)
    try:
        from . import build as builder

        # the source, mto_bench_mto_s1: built when missing, never rebuilt from here (--rebuild is ours)
        builder.build("mto", 1, args.seed, args.template, args.config, args.odoo_src, args.python, data_dir,
                      log_dir, rebuild=False, say=say)
        info, build_seconds = build(args, data_dir, log_dir)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        say(f"building {VOL_DB} failed")
        return 1
    try:
        result = measure(args, data_dir, log_dir, info)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        say("the measurement failed")
        return 1
    profile = None
    if args.profile:
        from odoo.addons.mto_fulfilment.models.sale_order_line_repromise import BATCH_SIZE

        say(f"cProfile of one batch of {BATCH_SIZE} affected lines (rolled back)")
        plan = choose_leave(args.config, RUN_DB)
        profile = profile_batch(args.config, RUN_DB, plan["affected_ids"], BATCH_SIZE)
        print(profile[2])
        with open(os.path.join(log_dir, "volume-profile.txt"), "w") as f:
            f.write(profile[2])
    print(json.dumps(result, indent=1, default=str))
    section = markdown(info, result, build_seconds, profile)
    print(section)
    if args.output != "-":
        write_markdown(args.output, section)
        say(f"results written to {args.output}")
    return 0 if result.get("wall_seconds") is not None and not result.get("jobs_failed") else 1
