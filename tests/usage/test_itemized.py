"""The itemized communications a customer asks for: every record with its price excl. and incl.
VAT, called numbers masked on the last 4 digits unless the customer chose otherwise."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.management import call_command

from telcobill.usage.services.ingest import ingest_file
from telcobill.usage.services.itemized import itemized
from tests.usage.conftest import write_csv


def test_itemized_month_with_masked_then_full_numbers(camille, source, usage_store, tmp_path, capsys):
    path = write_csv(tmp_path / "oct.csv",
                     "record_id,msisdn,type,direction,started_at,peer,duration_s,volume_bytes,country",
                     "i-1,33612345678,voice,out,2026-10-03T14:05:09+02:00,33145678901,187,,FR",
                     "i-2,33612345678,voice,out,2026-10-04T09:12:44+02:00,442079460000,65,,FR",
                     "i-3,33612345678,data,out,2026-10-05T10:00:00+02:00,,,52428800,IT")
    ingest_file(source, path, now=datetime(2026, 10, 31, tzinfo=UTC))

    rows = itemized(camille, date(2026, 10, 1))

    assert [(r.at.strftime("%d/%m %H:%M:%S"), r.kind, r.number, r.where, r.quantity, r.excl_vat, r.incl_vat)
            for r in rows] == [
        ("03/10 14:05:09", "Appel émis", "3314567XXXX", "", "3 min 07 s", Decimal("0.00"), Decimal("0.00")),
        # 65 s to London at 0.19 EUR/min incl. VAT: 0.205833 incl., 0.171528 excl.
        ("04/10 09:12:44", "Appel émis", "44207946XXXX", "", "1 min 05 s", Decimal("0.17"), Decimal("0.21")),
        ("05/10 10:00:00", "Internet émis", "",
         "Union européenne, EEE, Saint-Martin et Saint-Barthélemy (comme en France)", "50,0 Mo", Decimal("0.00"),
         Decimal("0.00")),
    ]
    assert rows[0].description == "inclus"

    account = camille.billing_account
    account.itemized_full_numbers = True
    account.save()
    camille.refresh_from_db()
    assert [r.number for r in itemized(camille, date(2026, 10, 1))][:2] == ["33145678901", "442079460000"]

    call_command("usage", "itemized", "--msisdn", "06 12 34 56 78", "--month", "2026-10")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date;heure;type;numéro;lieu;quantité;détail;montant HT;montant TTC"
    assert lines[2] == ("04/10/2026;09:12:44;Appel émis;442079460000;;1 min 05 s;Appels hors forfait vers Suisse, "
                        "Royaume-Uni, Andorre, Monaco, Saint-Marin et Gibraltar;0,17;0,21")
