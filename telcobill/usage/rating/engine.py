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

from .inputs import HOME, UNIT_SIZES, AllowanceGroup, PlanPeriod, Tariff, month_bounds

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
    return con


def _idiv_for(con):
    name = "div" if con.name == "pyspark" else "tb_idiv"

    @ibis.udf.scalar.builtin(name=name)
    def idiv(a: D38, b: D38) -> dt.int64:
        """Exact integer division of non-negative integers."""

    return idiv


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
    plan_rows = [(p.line_id, p.plan, p.starts_on, p.ends_on or FAR) for p in plans]
    rounding = [(plan, bucket, minimum, increment) for plan, rules in tariff.rounding.items()
                for bucket, (minimum, increment) in rules.items()]
    # Per line, each group it may consume from and each zone the group covers (empty list: the
    # home destination stands for it) with the group's number of zones.
    line_zones = [(line_id, g.key, g.bucket, zone, len(g.zones)) for g in groups for line_id in g.line_ids
                  for zone in (g.zones or (tariff.home_destination,))]
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
        "like_home": pa.table({"like_zone": sorted(tariff.like_home)}, schema=pa.schema([("like_zone", pa.string())])),
        "plans": pa.table({"p_line": [r[0] for r in plan_rows], "plan": [r[1] for r in plan_rows],
                           "p_from": [r[2] for r in plan_rows], "p_to": [r[3] for r in plan_rows]},
                          schema=pa.schema([("p_line", pa.int64()), ("plan", pa.string()), ("p_from", pa.date32()),
                                            ("p_to", pa.date32())])),
        "rounding": pa.table({"r_plan": [r[0] for r in rounding], "r_bucket": [r[1] for r in rounding],
                              "minimum": [r[2] for r in rounding], "increment": [r[3] for r in rounding]},
                             schema=pa.schema([("r_plan", pa.string()), ("r_bucket", pa.string()),
                                               ("minimum", pa.int64()), ("increment", pa.int64())])),
        "groups": pa.table({"g_key": [g.key for g in groups], "g_bucket": [g.bucket for g in groups],
                            "g_quantity": [g.quantity for g in groups]},
                           schema=pa.schema([("g_key", pa.string()), ("g_bucket", pa.string()),
                                             ("g_quantity", pa.int64())])),
        "line_zones": pa.table({"lz_line": [x[0] for x in line_zones], "lz_key": [x[1] for x in line_zones],
                                "lz_bucket": [x[2] for x in line_zones], "lz_zone": [x[3] for x in line_zones],
                                "lz_count": [x[4] for x in line_zones]},
                               schema=pa.schema([("lz_line", pa.int64()), ("lz_key", pa.string()),
                                                 ("lz_bucket", pa.string()), ("lz_zone", pa.string()),
                                                 ("lz_count", pa.int64())])),
    }


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


def _choose_groups(rows, line_zones, bucket: str | None, out: str):
    """Per distinct (line, bucket, eligibility zone, roaming zone) — the group choice depends on
    nothing else — the group of the line and bucket covering it with the fewest zones, then the
    smallest key: matched on the eligibility zone or on the roaming zone. `bucket` None: the
    record's own bucket."""
    combos = rows.select("line_id", "elig", "rz", c_bucket=rows.bucket if bucket is None else ibis.literal(bucket)
                         ).distinct()
    on = (combos.line_id == line_zones.lz_line) & (combos.c_bucket == line_zones.lz_bucket)
    by_elig = combos.join(line_zones, on & (combos.elig == line_zones.lz_zone)).select(
        "line_id", "c_bucket", "elig", "rz", "lz_key", "lz_count")
    by_zone = combos.join(line_zones, on & (combos.rz == line_zones.lz_zone)).select(
        "line_id", "c_bucket", "elig", "rz", "lz_key", "lz_count")
    candidates = by_elig.union(by_zone)
    chosen = candidates.group_by(["line_id", "c_bucket", "elig", "rz"]).aggregate(
        choice=(candidates.lz_count.cast(dt.string).lpad(4, "0") + candidates.lz_key).min())
    # The key follows the 4-digit zone count.
    return chosen.select(c_line="line_id", c_bucket="c_bucket", c_elig="elig", c_rz="rz",
                         **{out: chosen.choice.substr(4)})


def _consumed(r, key: str, out: str):
    """What the records before each one (in record order) used of its group: a running sum over
    only the records that have one."""
    rows = r.filter(r[key].notnull()).select("seq", key, "rounded")
    window = ibis.cumulative_window(group_by=rows[key], order_by=rows.seq)
    return rows.select(u_seq=rows.seq, **{out: rows.rounded.sum().over(window) - rows.rounded})


def rate_expr(con, records, tariff: Tariff, plans: Sequence[PlanPeriod], groups: Sequence[AllowanceGroup],
              month_first: date):
    """An Ibis expression of the rated records (columns OUTPUT) of `records` (a table of the store's
    schema, one month)."""
    idiv = _idiv_for(con)
    home_dest = tariff.home_destination
    t = {name: ibis.memtable(table)
         for name, table in static_tables(tariff, plans, groups, month_first).items()}

    r = records.select("source", "record_id", "line_id", "type", "direction", "started_at", "day", "peer",
                       "peer_kind", "quantity", "amount", "country", "network")
    r = r.mutate(bucket=ibis.ifelse(r.type == "content", "content", r.type),
                 network=r.network.fill_null(""), country=r.country.fill_null("FR"),
                 peer=r.peer.fill_null(""), peer_kind=r.peer_kind.fill_null("number"))

    # Classification is computed once per distinct key (a few thousand peers and places, not
    # millions of records), then joined back on equality.
    # Roaming zone: the longest network prefix, else the country; FR is home.
    places = r.select("country", "network").distinct()
    places = _longest_prefix(places, "network", t["networks"], "network", "network_zone",
                             {len(n) for n in tariff.roaming_networks}, "net_zone")
    places = places.left_join(t["countries"], places.country == t["countries"].c_country).drop("c_country")
    places = places.mutate(rz=places.net_zone.coalesce(
        ibis.ifelse(places.country == "FR", HOME, places.country_zone)).fill_null(HOME))
    places = places.left_join(t["like_home"], places.rz == t["like_home"].like_zone)
    places = places.select(pl_country="country", pl_network="network", rz="rz",
                           homelike=(places.rz == HOME) | places.like_zone.notnull(), like=places.like_zone.notnull())
    r = r.join(places, (r.country == places.pl_country) & (r.network == places.pl_network)).drop(
        "pl_country", "pl_network")

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
    peers = peers.select(pe_peer="peer", pe_kind="peer_kind", peer_special="peer_special", peer_dest="peer_dest")
    r = r.join(peers, (r.peer == peers.pe_peer) & (r.peer_kind == peers.pe_kind)).drop("pe_peer", "pe_kind")
    is_call = r.type.isin(["voice", "sms", "mms"])
    out = r.direction != "in"
    # Only an outgoing call or SMS reaches a special number; content names its provider.
    reaches = (r.type == "content") | (is_call & out)
    special = ibis.ifelse(reaches, r.peer_special, ibis.null(dt.string))
    dest = ibis.cases((is_call & (special.notnull() | (r.peer_kind == "short")), home_dest),
                      (is_call, r.peer_dest), else_=ibis.null(dt.string))
    r = r.mutate(special=special, dest=dest).drop("peer_special", "peer_dest")

    # Plan on the day -> rounding.
    p = t["plans"]
    r = r.left_join(p, (r.line_id == p.p_line) & (p.p_from <= r.day) & (r.day < p.p_to)).drop(
        "p_line", "p_from", "p_to")
    rd = t["rounding"]
    r = r.left_join(rd, (r.plan == rd.r_plan) & (r.bucket == rd.r_bucket)).drop("r_plan", "r_bucket")
    minimum = r.minimum.fill_null(1)
    increment = r.increment.fill_null(1)
    q = r.quantity.fill_null(0)
    steps = idiv((q + increment - 1).cast(D38), increment.cast(D38))
    rounded = ibis.cases((r.type.isin(["sms", "mms"]), 1), (r.type == "content", 0), (q == 0, 0),
                         else_=ibis.greatest(minimum, steps * increment))
    r = r.mutate(rounded=rounded.cast(dt.int64)).drop("plan", "minimum", "increment")

    # Which group a record may consume from: the eligibility zone of docs/rating.md, or the
    # roaming zone the record was made in (a list of roaming zones covers any usage there).
    elig = ibis.cases(
        (is_call & out & r.homelike, r.dest),
        (is_call & out, r.rz),
        ((r.type == "data") & r.homelike, home_dest),
        (r.type == "data", r.rz),
        else_=ibis.null(dt.string))
    # One sort in record order; the allowance windows then order by this integer.
    r = r.mutate(elig=elig, seq=ibis.row_number().over(order_by=[r.started_at, r.source, r.record_id]))
    # One flat table built in Python: left as a join of three, DuckDB's join ordering once joined
    # the records to it on the bucket alone — billions of rows.
    g, line_zones = t["groups"], t["line_zones"]
    like_data = (r.type == "data") & r.like
    base = r.filter(r.elig.notnull()).select("line_id", "bucket", "elig", "rz")
    chosen = _choose_groups(base, line_zones, None, "group_key")
    r = r.left_join(chosen, (r.line_id == chosen.c_line) & (r.bucket == chosen.c_bucket)
                    & (r.elig == chosen.c_elig) & (r.rz == chosen.c_rz)).drop("c_line", "c_bucket", "c_elig", "c_rz")
    r = r.left_join(g, r.group_key == g.g_key).drop("g_key", "g_bucket")
    used = _consumed(r, "group_key", "used_before")
    r = r.left_join(used, r.seq == used.u_seq).drop("u_seq")
    consumes = r.group_key.notnull()
    included = ibis.cases((~consumes, 0), (r.g_quantity.isnull(), r.rounded),
                          else_=ibis.least(r.rounded, ibis.greatest(0, r.g_quantity - r.used_before)))
    r = r.mutate(included=included.cast(dt.int64))

    # Like-home data also counts against the line's data_eu group (the EU fair-use limit).
    eu_base = r.filter(like_data).select("line_id", "bucket", "elig", "rz")
    eu_chosen = _choose_groups(eu_base, line_zones, "data_eu", "eu_key")
    r = r.left_join(eu_chosen, like_data & (r.line_id == eu_chosen.c_line) & (r.elig == eu_chosen.c_elig)
                    & (r.rz == eu_chosen.c_rz)).drop("c_line", "c_bucket", "c_elig", "c_rz")
    eu_q = g.select(eq_key="g_key", eu_quantity="g_quantity")
    r = r.left_join(eu_q, r.eu_key == eu_q.eq_key).drop("eq_key")
    eu_used = _consumed(r, "eu_key", "eu_before")
    r = r.left_join(eu_used, r.seq == eu_used.u_seq).drop("u_seq")
    eu_included = ibis.cases((r.eu_key.isnull(), r.rounded), (r.eu_quantity.isnull(), r.rounded),
                             else_=ibis.least(r.rounded, ibis.greatest(0, r.eu_quantity - r.eu_before)))
    over_d = ibis.ifelse(out | ~is_call, r.rounded - r.included, 0)
    over_e = r.rounded - eu_included
    r = r.mutate(over_d=over_d.cast(dt.int64), over_e=ibis.ifelse(like_data, over_e, 0).cast(dt.int64))

    # Prices of the day.
    priced_zone = ibis.cases(
        (r.type == "content", ibis.null(dt.string)),
        (is_call & out & r.homelike, r.dest),
        ((r.type == "data") & r.homelike, home_dest),
        else_=r.rz)
    direction = ibis.ifelse(is_call & (r.direction == "in"), "in", "out")
    r = r.mutate(pz=priced_zone, pdir=direction)
    pr = t["prices"].select(m_zone="zone", m_bucket="bucket", m_dir="direction", m_day="day", m_num="num",
                            m_den="den", m_vat="vat_rule")
    in_free = is_call & (r.direction == "in") & r.homelike
    r = r.left_join(pr, (r.pz == pr.m_zone) & (r.type == pr.m_bucket) & (r.pdir == pr.m_dir)
                    & (r.day == pr.m_day) & ~in_free).drop("m_zone", "m_bucket", "m_dir", "m_day")
    eu = t["prices"].filter(lambda x: (x.bucket == "data_eu") & (x.direction == "out")).select(
        e_zone="zone", e_day="day", e_num="num", e_den="den", e_vat="vat_rule")
    r = r.left_join(eu, (r.rz == eu.e_zone) & (r.day == eu.e_day) & like_data).drop("e_zone", "e_day")
    sp = t["specials"].select(s_prefix="special", s_day="day", s_kind="kind", s_call="per_call",
                              s_minute="per_minute", s_den="vat_den", s_vat="vat_rule")
    r = r.left_join(sp, (r.special == sp.s_prefix) & (r.day == sp.s_day)).drop("s_prefix", "s_day")
    std = t["standard"]
    r = r.left_join(std, r.day == std.std_day).drop("std_day")

    incoming = is_call & (r.direction == "in")
    chargeable = ibis.cases(
        (r.type == "content", 0),
        (incoming, ibis.ifelse(r.m_num.notnull(), r.rounded, 0)),
        (like_data, ibis.greatest(r.over_d, r.over_e)),
        else_=r.over_d)
    main_units = ibis.ifelse(incoming, ibis.ifelse(r.m_num.notnull(), r.rounded, 0), r.over_d)
    eu_units = ibis.ifelse(like_data, ibis.greatest(0, r.over_e - r.over_d), 0)
    # Products in 38-digit decimals: 40 GB at 9.99 EUR/MB exceeds 64 bits.
    main_part = ibis.ifelse(r.m_num.notnull() & (main_units > 0),
                            _half_up(idiv, main_units.cast(D38) * r.m_num.cast(D38), r.m_den), 0)
    eu_part = ibis.ifelse(r.e_num.notnull() & (eu_units > 0),
                          _half_up(idiv, eu_units.cast(D38) * r.e_num.cast(D38), r.e_den), 0)
    voice_seconds = ibis.ifelse(r.type == "voice", r.rounded, 0)
    surcharge = ibis.ifelse(
        r.s_kind.notnull() & (r.type != "content"),
        _half_up(idiv, (r.s_call.cast(D38) * 60 + r.s_minute.cast(D38) * voice_seconds) * 10000, r.s_den * 60), 0)
    content_den = r.s_den.coalesce(r.std_vat_den)
    content_micros = (r.amount.cast(dt.Decimal(38, 6)) * 1_000_000).cast(D38)
    content = ibis.ifelse(r.type == "content", _half_up(idiv, content_micros * 10000, content_den), 0)
    amount = main_part + eu_part + surcharge + content
    vat_rule = ibis.cases(
        (r.s_kind.notnull(), r.s_vat),
        (r.type == "content", tariff.standard_vat_rule),
        ((main_units > 0) & r.m_num.notnull(), r.m_vat),
        ((eu_units > 0) & r.e_num.notnull(), r.e_vat),
        else_=tariff.standard_vat_rule)
    section = ibis.ifelse((r.type == "content") | (r.s_kind == "content"), "third_party", "communications")
    charge = ibis.cases(
        (r.type == "content", "content:" + r.special.coalesce(r.peer)),
        (r.special.notnull(), "special:" + r.special),
        (incoming, r.type + "_in:" + r.rz),
        (is_call, r.type + ":" + ibis.ifelse(r.homelike, r.dest, r.rz)),
        (like_data, "data_eu:" + r.rz),
        (r.homelike, "data:" + home_dest),
        else_="data:" + r.rz)
    included_out = ibis.ifelse(incoming | (r.type == "content"), 0, r.included)
    return r.select(
        "source", "record_id", "line_id", "started_at", "bucket",
        zone=r.rz, special=r.special.fill_null(""), rounded=r.rounded, included=included_out.cast(dt.int64),
        chargeable=chargeable.cast(dt.int64), amount_micros=amount.cast(dt.int64), vat_rule=vat_rule,
        section=section, charge=charge, group=r.group_key.fill_null(""), eu_group=r.eu_key.fill_null(""),
        direction=r.direction, peer=r.peer,
    )


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
    by = ["line_id", "charge", "section", "vat_rule"]
    if parts <= 1:
        rated = rate_expr(con, records, tariff, plans, groups, month_first)
        return rated.group_by(by).aggregate(records=rated.count(), rounded=rated.rounded.sum(),
                                            chargeable=rated.chargeable.sum(),
                                            amount_micros=rated.amount_micros.sum()).to_pyarrow()
    lines = records.select("line_id").distinct().to_pyarrow().column("line_id").to_pylist()
    assignment = line_parts(groups, lines, parts)
    mapping = ibis.memtable(pa.table({"part_line": list(assignment), "part": list(assignment.values())}))
    tables = []
    for part in range(parts):
        chosen = mapping.filter(mapping.part == part)
        subset = records.join(chosen, records.line_id == chosen.part_line).drop("part_line", "part")
        tables.append(rate_totals(con, subset, tariff, plans, groups, month_first))
    return pa.concat_tables(tables)
