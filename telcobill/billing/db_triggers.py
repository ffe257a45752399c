"""The immutability triggers (invariant 1) in SQL, for the migration and for test teardown."""

from contextlib import contextmanager

# PostgreSQL: statement-level triggers over transition tables: one check per statement, not
# one plpgsql call per row (a bill run inserts and updates hundreds of thousands of rows; per-row
# checks tripled the cost of inserting lines). Transition tables allow one event per trigger.
POSTGRES = """
CREATE OR REPLACE FUNCTION telcobill_refuse_issued_documents() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_documents WHERE status = 'issued') THEN
    RAISE EXCEPTION 'an issued document cannot change: issue a credit note'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_no_update AFTER UPDATE ON billing_invoice
  REFERENCING OLD TABLE AS old_documents FOR EACH STATEMENT EXECUTE FUNCTION telcobill_refuse_issued_documents();
CREATE TRIGGER billing_invoice_no_delete AFTER DELETE ON billing_invoice
  REFERENCING OLD TABLE AS old_documents FOR EACH STATEMENT EXECUTE FUNCTION telcobill_refuse_issued_documents();

CREATE OR REPLACE FUNCTION telcobill_refuse_lines_of_issued_documents() RETURNS trigger AS $$
BEGIN
  -- Probe the documents by primary key: a join with the transition table (no statistics) can
  -- be planned as a scan of every document for every line.
  IF EXISTS (SELECT 1 FROM billing_invoice
             WHERE id = ANY (ARRAY(SELECT DISTINCT invoice_id FROM changed_lines)) AND status = 'issued') THEN
    RAISE EXCEPTION 'the lines of an issued document cannot change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoiceline_no_insert AFTER INSERT ON billing_invoiceline
  REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT
  EXECUTE FUNCTION telcobill_refuse_lines_of_issued_documents();
CREATE TRIGGER billing_invoiceline_no_update_old AFTER UPDATE ON billing_invoiceline
  REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT
  EXECUTE FUNCTION telcobill_refuse_lines_of_issued_documents();
CREATE TRIGGER billing_invoiceline_no_update_new AFTER UPDATE ON billing_invoiceline
  REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT
  EXECUTE FUNCTION telcobill_refuse_lines_of_issued_documents();
CREATE TRIGGER billing_invoiceline_no_delete AFTER DELETE ON billing_invoiceline
  REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT
  EXECUTE FUNCTION telcobill_refuse_lines_of_issued_documents();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS billing_invoiceline_no_delete ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoiceline_no_update_new ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoiceline_no_update_old ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoiceline_no_insert ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_no_delete ON billing_invoice;
DROP TRIGGER IF EXISTS billing_invoice_no_update ON billing_invoice;
DROP FUNCTION IF EXISTS telcobill_refuse_lines_of_issued_documents();
DROP FUNCTION IF EXISTS telcobill_refuse_issued_documents();
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
