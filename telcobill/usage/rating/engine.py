"""The rating engine: docs/rating.md as Ibis expressions, run on DuckDB (default) or PySpark.

The records stay in the backend (millions of rows); everything else — prices by day, zones,
plans, allowance groups — is small and built here as Arrow tables. Amounts are integers of
micro-euros computed with one exact integer division (`_idiv`: DuckDB HUGEINT, Spark `div`), so
both backends and the reference rater agree to the micro-euro.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, timedelta

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
import pyarrow.compute as pc

from ..records import TYPES
from .inputs import HOME, HOME_COUNTRIES, UNIT_SIZES, AllowanceGroup, PlanPeriod, Tariff, month_bounds

D38 = dt.Decimal(38, 0)
FAR = date(9999, 12, 31)
OUTPUT = ("source", "record_id", "line_id", "started_at", "bucket", "zone", "special", "rounded", "included",
          "chargeable", "amount_micros", "vat_rule", "section", "charge", "group", "eu_group", "direction", "peer")


def connect(engine: str = "duckdb", *, spark_master: str = "local[2]", spark_memory: str = "4g",
            memory_limit: str | None = None,
            temp_directory: str | None = None):
    """An Ibis backend for rating. DuckDB spills to `temp_directory` beyond `memory_limit`."""
    if engine == "spark":
        from pyspark.sql import SparkSession

        session = (SparkSession.builder.master(spark_master).appName("telcobill-rating")
                   .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
                   .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="telcobill-spark-"))
                   .config("spark.sql.shuffle.partitions", "8").config("spark.driver.memory", spark_memory)
                   .getOrCreate())
        return ibis.pyspark.connect(session)
    con = ibis.duckdb.connect()
    if memory_limit:
        con.raw_sql(f"SET memory_limit = '{memory_limit}'")
    if temp_directory:
        con.raw_sql(f"SET temp_directory = '{temp_directory}'")
    con.raw_sql("SET preserve_insertion_order = false")
    con.raw_sql("CREATE OR REPLACE MACRO tb_idiv(a, b) AS CAST(CAST(a AS HUGEINT) // CAST(b AS HUGEINT) AS BIGINT)")
    con.raw_sql("CREATE OR REPLACE MACRO tb_idiv64(a, b) AS CAST(a AS BIGINT) // CAST(b AS BIGINT)")
    return con


def _idiv_for(con, *, wide: bool = True):
    """Exact integer division of non-negative integers: of 38-digit decimals (`wide`, products of
    money), or of 64-bit integers (no 128-bit arithmetic: quantities)."""
    name = "div" if con.name == "pyspark" else ("tb_idiv" if wide else "tb_idiv64")
    kind = D38 if wide else dt.int64

    @ibis.udf.scalar.builtin(name=name, signature=((kind, kind), dt.int64))
    def idiv(a, b):
        """Exact integer division of non-negative integers."""

    return idiv


def _materialize(con, table):
    """`table` computed once and kept (a temporary table on DuckDB, a cached DataFrame on
    Spark), dropped when no expression refers to it any more."""
    if con.name == "pyspark":
        # Ibis's PySpark cache compiles the query without registering the in-memory tables it
        # reads (ibis 12.0); every other execution path registers them first.
        con._run_pre_execute_hooks(table)
    return table.cache()


def _half_up(idiv, numerator, denominator):
    n = numerator.cast(D38)
    d = denominator.cast(D38)
    return idiv(n * 2 + d, d * 2)


def _days(month_first: date) -> list[date]:
    first, end = month_bounds(month_first)
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _vat_bp(tariff: Tariff, rule: str, day: date) -> int:
    return int(tariff.vat_rate(rule, day) * 100)


def static_tables(tariff: Tariff, plans: Sequence[PlanPeriod], groups: Sequence[AllowanceGroup],
                  month_first: date) -> dict[str, pa.Table]:
    """The small inputs as Arrow tables, prices and VAT already resolved per day of the month."""
    days = _days(month_first)
    prices = {k: [] for k in ("zone", "bucket", "direction", "day", "num", "den", "vat_rule")}
    for (zone, bucket, direction), _rows in tariff.prices.items():
        for day in days:
            price = tariff.price(zone, bucket, direction, day)
            if price is None:
                continue
            micros = int(price.amount * 1_000_000)
            unit = UNIT_SIZES[price.unit]
            if price.includes_vat:
                num, den = micros * 10000, unit * (10000 + _vat_bp(tariff, price.vat_rule, day))
            else:
                num, den = micros, unit
            for key, value in (("zone", zone), ("bucket", bucket), ("direction", direction), ("day", day),
                               ("num", num), ("den", den), ("vat_rule", price.vat_rule)):
                prices[key].append(value)
    specials = {k: [] for k in ("special", "day", "kind", "per_call", "per_minute", "vat_den", "vat_rule")}
    for prefix, number in tariff.specials.items():
        for day in days:
            for key, value in (("special", prefix), ("day", day), ("kind", number.kind),
                               ("per_call", int(number.per_call * 1_000_000)),
                               ("per_minute", int(number.per_minute * 1_000_000)),
                               ("vat_den", 10000 + _vat_bp(tariff, number.vat_rule, day)),
                               ("vat_rule", number.vat_rule)):
                specials[key].append(value)
    standard = {"std_day": days, "std_vat_den": [10000 + _vat_bp(tariff, tariff.standard_vat_rule, d) for d in days]}
    roaming = [(c, z) for c, z in tariff.roaming_countries.items()]
    # Plans differ by far more than their rounding rules: a plan stands for its set of rules (its
    # profile; 0 is no rule), so that prices are worked out per profile, not per plan.
    profiles: dict[tuple, int] = {(): 0}
    profile_of = {plan: profiles.setdefault(tuple(sorted(rules.items())), len(profiles))
                  for plan, rules in sorted(tariff.rounding.items())}
    plan_rows = [(p.line_id, profile_of.get(p.plan, 0), p.starts_on, p.ends_on or FAR) for p in plans]
    rounding = [(number, bucket, minimum, increment) for rules, number in profiles.items()
                for bucket, (minimum, increment) in rules]
    ordered = sorted(groups, key=lambda g: (len(g.zones), g.key))
    return {
        "prices": pa.table(prices, schema=pa.schema([
            ("zone", pa.string()), ("bucket", pa.string()), ("direction", pa.string()), ("day", pa.date32()),
            ("num", pa.int64()), ("den", pa.int64()), ("vat_rule", pa.string())])),
        "specials": pa.table(specials, schema=pa.schema([
            ("special", pa.string()), ("day", pa.date32()), ("kind", pa.string()), ("per_call", pa.int64()),
            ("per_minute", pa.int64()), ("vat_den", pa.int64()), ("vat_rule", pa.string())])),
        "standard": pa.table(standard, schema=pa.schema([("std_day", pa.date32()), ("std_vat_den", pa.int64())])),
        "destinations": pa.table({"prefix": list(tariff.destination_prefixes),
                                  "dest_zone": list(tariff.destination_prefixes.values())},
                                 schema=pa.schema([("prefix", pa.string()), ("dest_zone", pa.string())])),
        "countries": pa.table({"c_country": [c for c, _ in roaming], "country_zone": [z for _, z in roaming]},
                              schema=pa.schema([("c_country", pa.string()), ("country_zone", pa.string())])),
        "networks": pa.table({"network": list(tariff.roaming_networks),
                              "network_zone": list(tariff.roaming_networks.values())},
                             schema=pa.schema([("network", pa.string()), ("network_zone", pa.string())])),
        "plans": pa.table({"p_line": [r[0] for r in plan_rows], "profile": [r[1] for r in plan_rows],
                           "p_from": [r[2] for r in plan_rows], "p_to": [r[3] for r in plan_rows]},
                          schema=pa.schema([("p_line", pa.int64()), ("profile", pa.int64()), ("p_from", pa.date32()),
                                            ("p_to", pa.date32())])),
        "profiles": pa.table({"profile": list(profiles.values())}, schema=pa.schema([("profile", pa.int64())])),
        "kinds": pa.table({"type": [k for k in TYPES for _ in ("out", "in")],
                           "direction": [d for _ in TYPES for d in ("out", "in")]},
                          schema=pa.schema([("type", pa.string()), ("direction", pa.string())])),
        "rounding": pa.table({"r_profile": [r[0] for r in rounding], "r_bucket": [r[1] for r in rounding],
                              "minimum": [r[2] for r in rounding], "increment": [r[3] for r in rounding]},
                             schema=pa.schema([("r_profile", pa.int64()), ("r_bucket", pa.string()),
                                               ("minimum", pa.int64()), ("increment", pa.int64())])),
        "groups": pa.table({"g_id": list(range(len(ordered))), "g_key": [g.key for g in ordered],
                            "g_quantity": [g.quantity for g in ordered]},
                           schema=pa.schema([("g_id", pa.int64()), ("g_key", pa.string()),
                                             ("g_quantity", pa.int64())])),
        "best_groups": _best_groups(ordered, tariff.home_destination),
    }


def _best_groups(ordered: Sequence[AllowanceGroup], home_destination: str) -> pa.Table:
    """Per (line, bucket, zone), the number of the group a record consumes from when its
    eligibility or roaming zone is that zone: groups are numbered by (number of zones, key) and
    the smallest number wins (an empty zone list: the home destination stands for it). Data
    records look up their data_eu group (the EU fair-use limit) on the same row: `b_eu`.
    Built column-wise (a hundred thousand lines make half a million pairs)."""
    zones = [g.zones or (home_destination,) for g in ordered]
    per_zone = pa.table({"number": pa.array([n for n, z in enumerate(zones) for _ in z], pa.int64()),
                         "b_zone": pa.array([zone for z in zones for zone in z], pa.string())})
    per_line = pa.table({"number": pa.array([n for n, g in enumerate(ordered) for _ in g.line_ids], pa.int64()),
                         "b_line": pa.array([line for g in ordered for line in g.line_ids], pa.int64()),
                         "b_bucket": pa.array([g.bucket for g in ordered for _ in g.line_ids], pa.string())})
    pairs = per_line.join(per_zone, "number")
    best = pairs.group_by(["b_line", "b_bucket", "b_zone"]).aggregate([("number", "min")])
    eu = best.filter(pc.equal(best["b_bucket"], "data_eu"))
    eu = eu.select(["b_line", "b_zone", "number_min"]).rename_columns(["b_line", "b_zone", "b_eu"]).append_column(
        "b_bucket", pa.array(["data"] * len(eu), pa.string()))
    own = best.filter(pc.not_equal(best["b_bucket"], "data_eu")).rename_columns(
        ["b_line", "b_bucket", "b_zone", "b_choice"])
    both = own.join(eu, ["b_line", "b_bucket", "b_zone"], join_type="full outer")
    return both.select(["b_line", "b_bucket", "b_zone", "b_choice", "b_eu"]).cast(pa.schema([
        ("b_line", pa.int64()), ("b_bucket", pa.string()), ("b_zone", pa.string()), ("b_choice", pa.int64()),
        ("b_eu", pa.int64())]))


def _longest_prefix(table, column, lookup, key, value, lengths, out):
    """Left-join `lookup` on each prefix length of `column`: `out` is the value of the longest
    prefix found (null when none)."""
    names = []
    for length in sorted(lengths, reverse=True):
        k, v = f"{out}_k{length}", f"{out}_v{length}"
        part = lookup.select(**{k: lookup[key], v: lookup[value]})
        table = table.left_join(
            part, (table[column].length() >= length) & (table[column].substr(0, length) == part[k])).drop(k)
        names.append(v)
    if not names:
        return table.mutate(**{out: ibis.null(dt.string)})
    found = table[names[0]] if len(names) == 1 else ibis.coalesce(*[table[n] for n in names])
    return table.mutate(**{out: found}).drop(*names)


def _choose_groups(r, best):
    """The numbers of the group a record consumes from (`group_id`) and, for like-home data, of
    its EU fair-use group (`eu_id`): the better of the choices for its eligibility zone and for
    its roaming zone (`best_groups`)."""
    for zone in ("elig", "rz"):
        b = best.select(**{f"l_{zone}": best.b_line, f"b_{zone}": best.b_bucket, f"z_{zone}": best.b_zone,
                           f"g_{zone}": best.b_choice, f"e_{zone}": best.b_eu})
        r = r.left_join(b, (r.line_id == b[f"l_{zone}"]) & (r.bucket == b[f"b_{zone}"])
                        & (r[zone] == b[f"z_{zone}"])).drop(f"l_{zone}", f"b_{zone}", f"z_{zone}")
    # LEAST skips nulls on both backends.
    return r.mutate(group_id=ibis.ifelse(r.elig.notnull(), ibis.least(r.g_elig, r.g_rz), ibis.null(dt.int64)),
                    eu_id=ibis.ifelse(r.like_data, ibis.least(r.e_elig, r.e_rz), ibis.null(dt.int64))).drop(
        "g_elig", "g_rz", "e_elig", "e_rz")


def _with_consumption(r, groups):
    """`used_before` and `eu_before`: what the records before each one (in record order) used of
    its group and of its EU fair-use group — running sums per group.

    A running sum changes a record's price only in a group its records overrun (used in all
    more than its quantity): below, every record is wholly included whatever came before. Few
    groups overrun (a heavy user's data, not everybody's calls), so only their records are sorted
    for the windows, and the others get 0. A record in one overrun group but not in the other
    gets a partial sum for the other, which does not change it either."""
    over = {}
    for key in ("group_id", "eu_id"):
        used = r.filter(r[key].notnull()).group_by(key).aggregate(total=r.rounded.sum())
        used = used.join(groups, used[key] == groups.g_id)
        over[key] = used.filter(used.total > used.g_quantity).select(**{f"over_{key}": used[key]})
    r = r.left_join(over["group_id"], r.group_id == over["group_id"].over_group_id)
    r = r.left_join(over["eu_id"], r.eu_id == over["eu_id"].over_eu_id)
    r = r.mutate(overrun=r.over_group_id.notnull() | r.over_eu_id.notnull()).drop("over_group_id", "over_eu_id")
    order = [r.started_at, r.source, r.record_id]

    def used_before(key):
        spread = ibis.ifelse(r[key].isnull(), r.line_id, 0)
        window = ibis.cumulative_window(group_by=[r[key], spread], order_by=order)
        return r.rounded.sum().over(window) - r.rounded

    zero = ibis.literal(0, dt.int64)
    return ibis.union(
        r.filter(r.overrun).mutate(used_before=used_before("group_id"), eu_before=used_before("eu_id")),
        r.filter(~r.overrun).mutate(used_before=zero, eu_before=zero), distinct=False).drop("overrun")


# What a record's price depends on, its quantity and its order aside: its class. Classes are few
# (thousands in a month) and built from the small tables (kinds of record, the classes of the
# peers and places found, rounding profiles, days): everything computed from them alone is
# computed once per class, and the records carry only a class number through the allowance sums.
CLASS_KEYS = ("type", "direction", "peer_special", "peer_dest", "peer_kind", "rz", "profile", "day")


def _classes(t, tariff: Tariff, peers, places):
    """Every class the month's records can fall in, numbered, with its rounding rule, eligibility
    zone, prices, special number, VAT and invoice words."""
    home_dest = tariff.home_destination
    peer_classes = peers.select("peer_special", "peer_dest", "peer_kind").distinct()
    zones = places.select("rz").distinct()
    days = t["standard"].select(day="std_day")
    c = t["kinds"].cross_join(peer_classes).cross_join(zones).cross_join(t["profiles"]).cross_join(days)
    c = c.mutate(class_id=ibis.row_number().over(order_by=[c[k] for k in CLASS_KEYS]))
    is_call = c.type.isin(["voice", "sms", "mms"])
    out = c.direction != "in"
    like = c.rz.isin(sorted(tariff.like_home)) if tariff.like_home else ibis.literal(False)
    # Only an outgoing call or SMS reaches a special number; content names its provider.
    reaches = (c.type == "content") | (is_call & out)
    special = ibis.ifelse(reaches & (c.peer_special != ""), c.peer_special, ibis.null(dt.string))
    # Roaming like at home, a call to a like-home destination (an EU number) is a call home.
    to_home = like & c.peer_dest.isin(sorted(tariff.like_home_destinations or {""}))
    dest = ibis.cases((is_call & (special.notnull() | (c.peer_kind == "short") | to_home), home_dest),
                      (is_call & (c.peer_dest != ""), c.peer_dest), else_=ibis.null(dt.string))
    c = c.mutate(bucket=ibis.ifelse(c.type == "content", "content", c.type), like=like,
                 homelike=(c.rz == HOME) | like, special=special, dest=dest)
    rd = t["rounding"]
    c = c.left_join(rd, (c.profile == rd.r_profile) & (c.bucket == rd.r_bucket)).drop("r_profile", "r_bucket")
    # The group a record may consume from is chosen by this eligibility zone (docs/rating.md) or
    # by the roaming zone it was made in (a list of roaming zones covers any usage there).
    elig = ibis.cases(
        (is_call & out & c.homelike, c.dest),
        (is_call & out, c.rz),
        ((c.type == "data") & c.homelike, home_dest),
        (c.type == "data", c.rz),
        else_=ibis.null(dt.string))
    priced_zone = ibis.cases(
        (c.type == "content", ibis.null(dt.string)),
        (is_call & out & c.homelike, c.dest),
        ((c.type == "data") & c.homelike, home_dest),
        else_=c.rz)
    incoming = is_call & ~out
    c = c.mutate(minimum=c.minimum.fill_null(1), increment=c.increment.fill_null(1), elig=elig,
                 pz=priced_zone, pdir=ibis.ifelse(incoming, "in", "out"), is_call=is_call, is_out=out,
                 incoming=incoming, like_data=(c.type == "data") & c.like)
    # Prices of the day: incoming calls at home or like home are free.
    pr = t["prices"].select(m_zone="zone", m_bucket="bucket", m_dir="direction", m_day="day", m_num="num",
                            m_den="den", m_vat="vat_rule")
    c = c.left_join(pr, (c.pz == pr.m_zone) & (c.type == pr.m_bucket) & (c.pdir == pr.m_dir)
                    & (c.day == pr.m_day) & ~(c.incoming & c.homelike)).drop("m_zone", "m_bucket", "m_dir", "m_day")
    eu = t["prices"].filter(lambda x: (x.bucket == "data_eu") & (x.direction == "out")).select(
        e_zone="zone", e_day="day", e_num="num", e_den="den", e_vat="vat_rule")
    c = c.left_join(eu, (c.rz == eu.e_zone) & (c.day == eu.e_day) & c.like_data).drop("e_zone", "e_day")
    sp = t["specials"].select(s_prefix="special", s_day="day", s_kind="kind", s_call="per_call",
                              s_minute="per_minute", s_den="vat_den", s_vat="vat_rule")
    c = c.left_join(sp, (c.special == sp.s_prefix) & (c.day == sp.s_day)).drop("s_prefix", "s_day")
    std = t["standard"]
    c = c.left_join(std, c.day == std.std_day).drop("std_day")
    section = ibis.ifelse((c.type == "content") | (c.s_kind == "content"), "third_party", "communications")
    # Null for content from no known provider: the record's own peer names it.
    charge = ibis.cases(
        (c.type == "content", "content:" + c.special),
        (c.special.notnull(), "special:" + c.special),
        (c.incoming, c.type + "_in:" + c.rz),
        (c.is_call, c.type + ":" + ibis.ifelse(c.homelike, c.dest, c.rz)),
        (c.like_data, "data_eu:" + c.rz),
        (c.homelike, "data:" + home_dest),
        else_="data:" + c.rz)
    c = c.mutate(section=section, charge=charge, content_den=c.s_den.coalesce(c.std_vat_den),
                 **{f"{x}_vat_id": _named(c[f"{x}_vat"], _vat_ids(tariff), dt.int64) for x in ("s", "m", "e")})
    # Records are summed per charge number (and VAT number), then named: numbers group faster.
    return c.mutate(charge_id=ibis.dense_rank().over(order_by=[c.charge, c.section]))


def _named(value, mapping: dict, to):
    """`mapping[value]` (null when absent)."""
    return value.cases(*mapping.items(), else_=ibis.null(to))


def _charge_name(charge, peer):
    """The charge of a rated record or sum: its class's, or for content from no known provider,
    the provider its peer names."""
    return charge.coalesce("content:" + peer)


def _vat_rule(vat_id, tariff: Tariff):
    """The VAT rule's code from its number (`_vat_ids`)."""
    return _named(vat_id, {number: name for name, number in _vat_ids(tariff).items()}, dt.string)


def _vat_ids(tariff: Tariff) -> dict[str, int]:
    """VAT rules numbered, the standard rule first (0)."""
    return {name: number for number, name in enumerate(
        [tariff.standard_vat_rule, *sorted(set(tariff.vat_rates) - {tariff.standard_vat_rule})])}


def rate_expr(con, records, tariff: Tariff, plans: Sequence[PlanPeriod], groups: Sequence[AllowanceGroup],
              month_first: date):
    """An Ibis expression of the rated records (columns OUTPUT) of `records` (a table of the store's
    schema, one month)."""
    r, _, peers = _rated(con, records, tariff, plans, groups, month_first)
    named = peers.select(n_peer_id="peer_id", peer="pe_peer")
    r = r.join(named, r.peer_id == named.n_peer_id)
    return r.select(
        "source", "record_id", "line_id", "started_at", "bucket", "rounded", "included", "chargeable",
        "amount_micros", "section", zone=r.rz, special=r.special.fill_null(""), vat_rule=_vat_rule(r.vat_id, tariff),
        charge=_charge_name(r.charge, r.peer), group=r.g_key.fill_null(""), eu_group=r.eu_key.fill_null(""),
        direction=r.direction, peer=r.peer,
    ).select(*OUTPUT)


def _rated(con, records, tariff: Tariff, plans: Sequence[PlanPeriod], groups: Sequence[AllowanceGroup],
           month_first: date):
    """The rated records with their class's columns, the classes and the peers: `vat_id` numbers
    the VAT rule (`_vat_ids`), `charge` is null for content from no known provider (the record's
    peer, `peer_id`, names it).

    Four small tables are computed (materialized) on the way: the places and the peers found in
    the records, the classes, and the records with their class, rounded quantity and groups —
    read again for the allowance sums."""
    idiv = _idiv_for(con)
    t = {name: ibis.memtable(table)
         for name, table in static_tables(tariff, plans, groups, month_first).items()}

    r = records.select("source", "record_id", "line_id", "type", "direction", "started_at", "day", "peer",
                       "peer_kind", "quantity", "amount", "country", "network")
    r = r.mutate(network=r.network.fill_null(""), country=r.country.fill_null("FR"),
                 peer=r.peer.fill_null(""), peer_kind=r.peer_kind.fill_null("number"),
                 direction=r.direction.fill_null("out"))

    # Classification is computed once per distinct key (a few thousand peers and places, not
    # millions of records), then joined back on equality.
    # Roaming zone: the longest network prefix, else the country; France and the overseas
    # departments are home.
    places = r.select("country", "network").distinct()
    places = _longest_prefix(places, "network", t["networks"], "network", "network_zone",
                             {len(n) for n in tariff.roaming_networks}, "net_zone")
    places = places.left_join(t["countries"], places.country == t["countries"].c_country).drop("c_country")
    places = _materialize(con, places.select(pl_country="country", pl_network="network", rz=places.net_zone.coalesce(
        ibis.ifelse(places.country.isin(sorted(HOME_COUNTRIES)), HOME, places.country_zone)).fill_null(HOME)))

    # Per distinct (peer, kind): the special number it reaches as dialled (short codes) or in its
    # national form (0899...), and the destination zone of a number (never of a short code).
    peers = r.select("peer", "peer_kind").distinct()
    national = ibis.ifelse(peers.peer.startswith("33"), "0" + peers.peer.substr(2), ibis.null(dt.string))
    peers = peers.mutate(special_key=ibis.ifelse(peers.peer_kind == "short", peers.peer, national),
                         dest_key=ibis.ifelse(peers.peer_kind == "number", peers.peer, ibis.null(dt.string)))
    special_lookup = t["specials"].select(sp_prefix="special", sp_found="special").distinct()
    peers = _longest_prefix(peers, "special_key", special_lookup, "sp_prefix", "sp_found",
                            {len(p) for p in tariff.specials}, "peer_special")
    peers = _longest_prefix(peers, "dest_key", t["destinations"], "prefix", "dest_zone",
                            {len(p) for p in tariff.destination_prefixes}, "peer_dest")
    # Class keys are never null: they are joined on equality.
    # Numbered: the records carry the number, not the text, to their sums.
    peers = _materialize(con, peers.select(pe_peer="peer", peer_kind="peer_kind",
                                           peer_special=peers.peer_special.fill_null(""),
                                           peer_dest=peers.peer_dest.fill_null(""),
                                           peer_id=ibis.row_number().over(order_by=[peers.peer, peers.peer_kind])))
    classes = _materialize(con, _classes(t, tariff, peers, places))

    r = r.join(places, (r.country == places.pl_country) & (r.network == places.pl_network)).drop(
        "pl_country", "pl_network", "country", "network")
    r = r.join(peers, (r.peer == peers.pe_peer) & (r.peer_kind == peers.peer_kind)).drop("pe_peer")
    p = t["plans"]  # the rounding profile of the line's plan on the day
    r = r.left_join(p, (r.line_id == p.p_line) & (p.p_from <= r.day) & (r.day < p.p_to)).drop(
        "p_line", "p_from", "p_to")
    r = r.mutate(profile=r.profile.fill_null(0))
    pre = classes.select(*[classes[k].name("k_" + k) for k in CLASS_KEYS], "class_id", c_bucket="bucket",
                         c_elig="elig", c_like_data="like_data", c_minimum="minimum", c_increment="increment")
    r = r.join(pre, [r[k] == pre["k_" + k] for k in CLASS_KEYS])
    q = r.quantity.fill_null(0)
    steps = _idiv_for(con, wide=False)(q + r.c_increment - 1, r.c_increment)
    rounded = ibis.cases((r.type.isin(["sms", "mms"]), 1), (r.type == "content", 0), (q == 0, 0),
                         else_=ibis.greatest(r.c_minimum, steps * r.c_increment))
    r = r.select("source", "record_id", "line_id", "started_at", "peer_id", "amount", "class_id", "rz",
                 bucket="c_bucket", elig="c_elig", like_data="c_like_data", rounded=rounded.cast(dt.int64))
    # Like-home data also counts against the line's data_eu group (the EU fair-use limit).
    r = _choose_groups(r, t["best_groups"])
    r = r.select("source", "record_id", "line_id", "started_at", "peer_id", "amount", "class_id", "rounded",
                 "group_id", "eu_id")
    g = t["groups"]
    r = _with_consumption(_materialize(con, r), g)
    r = r.left_join(g, r.group_id == g.g_id).drop("g_id")
    eu_q = g.select(eq_id="g_id", eu_key="g_key", eu_quantity="g_quantity")
    r = r.left_join(eu_q, r.eu_id == eu_q.eq_id).drop("eq_id")
    post = classes.drop(*[k for k in CLASS_KEYS if k not in ("type", "direction", "rz")]).rename(
        p_class="class_id")
    r = r.join(post, r.class_id == post.p_class)

    included = ibis.cases((r.group_id.isnull(), 0), (r.g_quantity.isnull(), r.rounded),
                          else_=ibis.least(r.rounded, ibis.greatest(0, r.g_quantity - r.used_before)))
    eu_included = ibis.cases((r.eu_id.isnull(), r.rounded), (r.eu_quantity.isnull(), r.rounded),
                             else_=ibis.least(r.rounded, ibis.greatest(0, r.eu_quantity - r.eu_before)))
    over_d = ibis.ifelse(r.is_out | ~r.is_call, r.rounded - included, 0)
    over_e = ibis.ifelse(r.like_data, r.rounded - eu_included, 0)
    incoming, like_data = r.incoming, r.like_data
    chargeable = ibis.cases(
        (r.type == "content", 0),
        (incoming, ibis.ifelse(r.m_num.notnull(), r.rounded, 0)),
        (like_data, ibis.greatest(over_d, over_e)),
        else_=over_d)
    main_units = ibis.ifelse(incoming, ibis.ifelse(r.m_num.notnull(), r.rounded, 0), over_d)
    eu_units = ibis.ifelse(like_data, ibis.greatest(0, over_e - over_d), 0)
    # Products in 38-digit decimals: 40 GB at 9.99 EUR/MB exceeds 64 bits.
    main_part = ibis.ifelse(r.m_num.notnull() & (main_units > 0),
                            _half_up(idiv, main_units.cast(D38) * r.m_num.cast(D38), r.m_den), 0)
    eu_part = ibis.ifelse(r.e_num.notnull() & (eu_units > 0),
                          _half_up(idiv, eu_units.cast(D38) * r.e_num.cast(D38), r.e_den), 0)
    voice_seconds = ibis.ifelse(r.type == "voice", r.rounded, 0)
    surcharge = ibis.ifelse(
        r.s_kind.notnull() & (r.type != "content"),
        _half_up(idiv, (r.s_call.cast(D38) * 60 + r.s_minute.cast(D38) * voice_seconds) * 10000, r.s_den * 60), 0)
    content_micros = (r.amount.cast(dt.Decimal(38, 6)) * 1_000_000).cast(D38)
    content = ibis.ifelse(r.type == "content", _half_up(idiv, content_micros * 10000, r.content_den), 0)
    amount = main_part + eu_part + surcharge + content
    vat_id = ibis.cases(
        (r.s_kind.notnull(), r.s_vat_id),
        (r.type == "content", 0),
        ((main_units > 0) & r.m_num.notnull(), r.m_vat_id),
        ((eu_units > 0) & r.e_num.notnull(), r.e_vat_id),
        else_=0)
    included_out = ibis.ifelse(incoming | (r.type == "content"), 0, included)
    return r.mutate(included=included_out.cast(dt.int64), chargeable=chargeable.cast(dt.int64),
                    amount_micros=amount.cast(dt.int64), vat_id=vat_id.cast(dt.int64)), classes, peers


def load_records(con, records: pa.Table):
    """The records as a backend table. Spark reads them as Parquet, as it would from the store
    (its in-memory path cannot take null decimals)."""
    if con.name != "pyspark":
        return con.create_table("tb_records", records, overwrite=True, temp=True)
    import os

    import pyarrow.parquet as pq

    folder = tempfile.mkdtemp(prefix="telcobill-rating-")
    path = os.path.join(folder, "records.parquet")
    pq.write_table(records, path)
    return con.read_parquet(path)


def rate_table(records: pa.Table, tariff: Tariff, plans, groups, month_first: date, *, con=None) -> pa.Table:
    """Rate an Arrow table of records (the store's schema); returns an Arrow table (OUTPUT columns)."""
    con = con or connect()
    rated = rate_expr(con, load_records(con, records), tariff, plans, groups, month_first).to_pyarrow()
    return rated.sort_by([("started_at", "ascending"), ("source", "ascending"), ("record_id", "ascending")])


def line_parts(groups: Sequence[AllowanceGroup], lines, parts: int) -> dict[int, int]:
    """Each line's part (0..parts-1), lines sharing a group (a pool) in the same part: rating a
    part needs no record of another part."""
    parent: dict[int, int] = {}

    def root(line: int) -> int:
        while parent.setdefault(line, line) != line:
            parent[line] = parent[parent[line]]
            line = parent[line]
        return line

    for group in groups:
        first = root(group.line_ids[0]) if group.line_ids else None
        for line in group.line_ids[1:]:
            parent[root(line)] = first
    return {line: root(line) % parts for line in {*lines, *parent}}


def rate_totals(con, records, tariff: Tariff, plans, groups, month_first: date, *, parts: int = 1) -> pa.Table:
    """The month rated and summed per (line, charge, section, VAT rule), `parts` groups of lines
    at a time so that a big month never needs more than a part in memory (or on disk)."""
    if parts <= 1:
        r, classes, peers = _rated(con, records, tariff, plans, groups, month_first)
        # Summed by numbers (the peer only for content from no known provider), named after.
        r = r.mutate(content_peer=ibis.ifelse(r.charge.isnull(), r.peer_id, 0))
        sums = r.group_by(["line_id", "charge_id", "vat_id", "content_peer"]).aggregate(
            records=r.count(), rounded=r.rounded.sum(), chargeable=r.chargeable.sum(),
            amount_micros=r.amount_micros.sum())
        charges = classes.select(n_charge="charge_id", n_name="charge", n_section="section").distinct()
        sums = sums.join(charges, sums.charge_id == charges.n_charge)
        named = peers.select(n_peer_id="peer_id", n_peer="pe_peer")
        sums = sums.left_join(named, sums.content_peer == named.n_peer_id)
        return sums.select(
            "line_id", charge=_charge_name(sums.n_name, sums.n_peer), section=sums.n_section,
            vat_rule=_vat_rule(sums.vat_id, tariff), records=sums.records, rounded=sums.rounded,
            chargeable=sums.chargeable, amount_micros=sums.amount_micros).to_pyarrow()
    lines = records.select("line_id").distinct().to_pyarrow().column("line_id").to_pylist()
    assignment = line_parts(groups, lines, parts)
    mapping = ibis.memtable(pa.table({"part_line": list(assignment), "part": list(assignment.values())}))
    tables = []
    for part in range(parts):
        chosen = mapping.filter(mapping.part == part)
        subset = records.join(chosen, records.line_id == chosen.part_line).drop("part_line", "part")
        tables.append(rate_totals(con, subset, tariff, plans, groups, month_first))
    return pa.concat_tables(tables)
