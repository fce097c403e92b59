import GRDB

/// The SQLite schema of `DATA/kassa.sqlite`: the snapshot of customers, catalog and shifts with
/// the journal position it covers, and the purchase history projected from the journal.
enum ProjectionSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Journal positions and totals, by name.
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;

                -- Snapshot: customers with the aggregates eligibility needs, as of meta.snapshot_seq.
                CREATE TABLE customers (
                    card TEXT PRIMARY KEY NOT NULL,
                    phone TEXT NOT NULL,
                    name TEXT NOT NULL,
                    birthdate TEXT,
                    source TEXT NOT NULL,
                    enrolled_at TEXT NOT NULL,
                    points INTEGER NOT NULL,
                    visits INTEGER NOT NULL,
                    lifetime_spend INTEGER NOT NULL,
                    first_visit_day INTEGER,
                    last_visit_day INTEGER,
                    state BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX customers_phone ON customers(phone);

                -- Snapshot: the catalog.
                CREATE TABLE products (
                    sku TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    category TEXT NOT NULL,
                    price INTEGER NOT NULL,
                    flags INTEGER NOT NULL
                ) WITHOUT ROWID;

                -- Snapshot: encoded values without a table of their own (the Ledger's totals).
                CREATE TABLE snapshot_blobs (name TEXT PRIMARY KEY NOT NULL, bytes BLOB NOT NULL) WITHOUT ROWID;

                -- Snapshot: shifts per terminal (encoded running totals).
                CREATE TABLE shifts (terminal TEXT PRIMARY KEY NOT NULL, state BLOB NOT NULL) WITHOUT ROWID;

                -- History: every sale, as of meta.history_seq.
                CREATE TABLE sales (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL,  -- unique within the receipt window only: tills may reuse ids much later
                    store TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    cashier TEXT NOT NULL,
                    at TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    customer TEXT,
                    subtotal INTEGER NOT NULL,
                    discount INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    points_earned INTEGER NOT NULL,
                    points_spent INTEGER NOT NULL,
                    rules_version INTEGER NOT NULL,
                    payments TEXT NOT NULL
                );
                CREATE INDEX sales_customer ON sales(customer, seq) WHERE customer IS NOT NULL;
                CREATE INDEX sales_day ON sales(store, day);
                CREATE INDEX sales_id ON sales(id);

                CREATE TABLE sale_lines (
                    sale_seq INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    qty INTEGER NOT NULL,        -- thousandths
                    price INTEGER NOT NULL,
                    amount INTEGER NOT NULL,
                    discount INTEGER NOT NULL,
                    category TEXT NOT NULL,
                    rules TEXT NOT NULL,         -- rule ids, comma-separated
                    PRIMARY KEY (sale_seq, line)
                ) WITHOUT ROWID;

                CREATE TABLE returns (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL,  -- unique within the receipt window only: tills may reuse ids much later
                    sale_id TEXT NOT NULL,
                    store TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    cashier TEXT NOT NULL,
                    at TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    refund INTEGER NOT NULL,
                    points_earned_reversed INTEGER NOT NULL,
                    points_spent_restored INTEGER NOT NULL
                );
                CREATE INDEX returns_sale ON returns(sale_id);
                CREATE INDEX returns_id ON returns(id);

                CREATE TABLE return_lines (
                    return_seq INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    sale_line INTEGER NOT NULL,
                    sku TEXT NOT NULL,
                    qty INTEGER NOT NULL,
                    refund INTEGER NOT NULL,
                    PRIMARY KEY (return_seq, line)
                ) WITHOUT ROWID;

                CREATE TABLE voids (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL,  -- unique within the receipt window only: tills may reuse ids much later
                    sale_id TEXT NOT NULL,
                    terminal TEXT NOT NULL,
                    cashier TEXT NOT NULL,
                    at TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    refund INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX voids_sale ON voids(sale_id);
                CREATE INDEX voids_id ON voids(id);
                """)
        }
        migrator.registerMigration("v2-directory") { db in
            // The customer directory for staff search, projected from enrolments with the
            // history (seconds behind the Ledger at most), not from the periodic snapshot.
            try db.execute(sql: """
                CREATE TABLE directory (
                    card TEXT PRIMARY KEY NOT NULL,
                    phone_digits TEXT NOT NULL,   -- the phone's digits only, for matching however it was typed
                    name TEXT NOT NULL,
                    name_folded TEXT NOT NULL     -- lower-cased, for prefix search
                ) WITHOUT ROWID;
                CREATE INDEX directory_phone ON directory(phone_digits);
                CREATE INDEX directory_name ON directory(name_folded);
                """)
        }
        migrator.registerMigration("v3-audit") { db in
            // The audit log: who read which customer card, who issued tokens or changed rules.
            try db.execute(sql: """
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL
                );
                CREATE INDEX audit_subject ON audit(subject, seq);
                """)
        }
        migrator.registerMigration("v4-rules") { db in
            // Every loyalty rules document ever put in force, so that a receipt's
            // `rules_version` can be traced back to the exact text that priced it.
            try db.execute(sql: """
                CREATE TABLE rules (
                    version INTEGER PRIMARY KEY,
                    seq INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    by TEXT NOT NULL,
                    document TEXT NOT NULL
                );
                ALTER TABLE sales ADD COLUMN points_expired INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v5-analytics") { db in
            // What analytics needs of each customer, projected with the history so that a new
            // enrolment reaches the funnel and the cohorts without waiting for a snapshot;
            // `seq` lets a reader take only enrolments it has not seen.
            try db.execute(sql: """
                ALTER TABLE directory ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE directory ADD COLUMN source TEXT NOT NULL DEFAULT '';
                ALTER TABLE directory ADD COLUMN enrolled_day INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE directory ADD COLUMN birthdate TEXT;
                CREATE INDEX directory_seq ON directory(seq);
                """)
        }
        migrator.registerMigration("v6-no-sales-day") { db in
            // No query reads sales by store and day (reports and exports read them in journal
            // order), so the index only cost every projected sale an insert.
            try db.execute(sql: "DROP INDEX IF EXISTS sales_day")
        }
        return migrator
    }
}
