"""The immutability triggers (invariant 1) in SQL, for the migration and for test teardown."""

from contextlib import contextmanager

POSTGRES = """
CREATE OR REPLACE FUNCTION telcobill_invoice_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'issued' THEN
    RAISE EXCEPTION 'issued document % cannot change: issue a credit note', OLD.number
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_immutable BEFORE UPDATE OR DELETE ON billing_invoice
  FOR EACH ROW EXECUTE FUNCTION telcobill_invoice_immutable();

CREATE OR REPLACE FUNCTION telcobill_invoiceline_immutable() RETURNS trigger AS $$
DECLARE doc_status text;
BEGIN
  SELECT status INTO doc_status FROM billing_invoice
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
  IF doc_status = 'issued' OR (TG_OP <> 'INSERT' AND
       (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) = 'issued') THEN
    RAISE EXCEPTION 'the lines of an issued document cannot change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoiceline_immutable BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
  FOR EACH ROW EXECUTE FUNCTION telcobill_invoiceline_immutable();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS billing_invoiceline_immutable ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_immutable ON billing_invoice;
DROP FUNCTION IF EXISTS telcobill_invoiceline_immutable();
DROP FUNCTION IF EXISTS telcobill_invoice_immutable();
"""

SQLITE = [
    """CREATE TRIGGER billing_invoice_no_update BEFORE UPDATE ON billing_invoice
       WHEN OLD.status = 'issued'
       BEGIN SELECT RAISE(ABORT, 'issued document cannot change: issue a credit note'); END""",
    """CREATE TRIGGER billing_invoice_no_delete BEFORE DELETE ON billing_invoice
       WHEN OLD.status = 'issued'
       BEGIN SELECT RAISE(ABORT, 'issued document cannot be deleted'); END""",
    """CREATE TRIGGER billing_invoiceline_no_insert BEFORE INSERT ON billing_invoiceline
       WHEN (SELECT status FROM billing_invoice WHERE id = NEW.invoice_id) = 'issued'
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued document cannot change'); END""",
    """CREATE TRIGGER billing_invoiceline_no_update BEFORE UPDATE ON billing_invoiceline
       WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) = 'issued'
         OR (SELECT status FROM billing_invoice WHERE id = NEW.invoice_id) = 'issued'
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued document cannot change'); END""",
    """CREATE TRIGGER billing_invoiceline_no_delete BEFORE DELETE ON billing_invoiceline
       WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) = 'issued'
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued document cannot change'); END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}" for name in (
        "billing_invoice_no_update", "billing_invoice_no_delete", "billing_invoiceline_no_insert",
        "billing_invoiceline_no_update", "billing_invoiceline_no_delete")
]



def create_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for statement in SQLITE:
            cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


def drop_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for statement in SQLITE_REVERSE:
            cursor.execute(statement)


@contextmanager
def lifted_for_flush(connection):
    """Erase a whole database (demo reset, test teardown): SQLite's flush deletes row by row, so
    its triggers are lifted for it and put back; PostgreSQL's TRUNCATE fires no row trigger."""
    if connection.vendor != "sqlite":
        yield
        return
    drop_sqlite(connection)
    try:
        yield
    finally:
        create_sqlite(connection)
