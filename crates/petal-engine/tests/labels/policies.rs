//! The labels of row-level security and policy statements, measured as
//! the others are (`labels.rs`): each locks its table.

use super::*;

const SECURED: &str = "
    ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
    CREATE POLICY small ON orders FOR SELECT TO PUBLIC USING (total < 100);
    CREATE POLICY mine ON orders FOR UPDATE TO CURRENT_USER USING (qty > 0) WITH CHECK (qty < 10);";

label_case!(
    label_row_level_security_and_policies_created,
    "",
    &format!(
        "{SECURED}
        ALTER TABLE customers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
        CREATE POLICY scored ON customers AS RESTRICTIVE USING (score IS NOT NULL);"
    )
);
label_case!(
    label_policies_altered_dropped_and_renamed,
    SECURED,
    "ALTER TABLE orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
     CREATE POLICY small ON orders FOR SELECT TO PUBLIC USING (total < 50);
     CREATE POLICY own ON orders FOR UPDATE TO CURRENT_USER USING (qty > 0) WITH CHECK (qty < 10);
     COMMENT ON POLICY own ON orders IS 'owners update';",
    |db| {
        let key = petal_ir::PolicyKey {
            table: name("public", "orders"),
            name: "own".into(),
        };
        if let Some(policy) = db.policies.get_mut(&key) {
            policy.renamed_from = Some("mine".into());
        }
    }
);
// A policy over a column retyped: dropped before, created after.
label_case!(
    label_policy_over_a_retyped_column,
    SECURED,
    &SECURED.replace(
        "ALTER TABLE orders ENABLE",
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric; ALTER TABLE orders ENABLE"
    )
);
// On a partitioned table: the table alone, none of its partitions.
label_case!(
    label_policy_and_security_on_a_partitioned_table,
    "CREATE TABLE log (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     INSERT INTO log VALUES (1, '2024-05-01');",
    "CREATE TABLE log (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     ALTER TABLE log ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
     CREATE POLICY recent ON log USING (at > '2024-01-01');
     COMMENT ON POLICY recent ON log IS 'recent rows';"
);
