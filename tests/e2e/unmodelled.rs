//! What petal does not model standing in the way of a migration (a rule,
//! an inheritance child in a schema petal does not compare, a
//! publication, an event trigger): PostgreSQL would refuse the migration,
//! and petal cannot move those aside and back, so autogenerate refuses it,
//! naming both, and writes no file.

use crate::dependents::ORDERS;
use crate::support::Project;

/// A rule (which petal does not model) over a column whose type the
/// models change: PostgreSQL would refuse the migration, so petal writes
/// none and says which object stands in the way of which change. Once the
/// rule is gone, the same models generate.
#[tokio::test]
async fn a_type_change_under_a_rule_is_refused_naming_both() {
    let project = orders_with(
        "CREATE RULE small_orders AS ON UPDATE TO public.orders \
         WHERE NEW.total > 1000 DO INSTEAD NOTHING",
    )
    .await;
    let client = project.client();
    let before = project.migrations();

    widening_totals_is_refused(
        &project,
        "rule public.orders.small_orders uses column public.orders.total, \
         which the up changes the type of",
    );
    assert_eq!(project.migrations(), before, "no file is written");

    client
        .batch_execute("DROP RULE small_orders ON public.orders")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    project.generate_and_apply("wider totals");
}

/// A policy on an inheritance child of `orders`, both declared in the
/// SQL files, reads the column the child inherits: retyping the parent's
/// column reaches the child's, which PostgreSQL refuses under a policy,
/// so the policy is moved out of the way and back.
#[tokio::test]
async fn a_type_change_under_a_policy_on_an_inheritance_child_moves_it_aside() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write(
        "sql/archive.sql",
        "CREATE TABLE public.old_orders () INHERITS (public.orders);
         CREATE POLICY small ON public.old_orders USING (total < 1000);",
    );
    project.generate_and_apply("orders");
    project.write(
        "models/orders.rs",
        &ORDERS.replace("numeric(12,2)", "numeric(14,2)"),
    );
    let run = project.generate_and_apply("wider totals");
    run.assert_ok();
    let text = project.read(&project.migration("_wider_totals.sql"));
    let up = text.split("-- +petal down").next().unwrap_or_default();
    let drop = up.find(r#"DROP POLICY "small""#);
    let alter = up.find(r#"ALTER COLUMN "total" TYPE numeric(14,2)"#);
    assert!(drop.is_some() && drop < alter, "{text}");
}

/// A child in a schema the project does not compare stands in the way all
/// the same: PostgreSQL drops no parent while it inherits from it.
#[tokio::test]
async fn a_child_outside_the_compared_schemas_stands_in_the_way_too() {
    let project = orders_with(
        "CREATE SCHEMA archive; CREATE TABLE archive.old_orders () INHERITS (public.orders);",
    )
    .await;
    let mut config = project.read("petal.toml");
    config.push_str("schemas = [\"public\"]\n");
    project.write("petal.toml", &config);
    let before = project.migrations();
    project.write("models/orders.rs", "");
    let run = project.petal(&["revision", "--autogenerate", "-m", "no orders"]);
    assert_ne!(run.code, 0, "{}", run.output());
    run.assert_mentions(
        "inheritance child table archive.old_orders uses table public.orders, which the up drops",
    );
    assert_eq!(project.migrations(), before, "no file is written");
}

/// A domain recreated under its columns is renamed aside and dropped once
/// they are converted: an inheritance child's own column of it (declared
/// in the SQL files) is converted with the others, the one it inherits
/// with its parent's.
#[tokio::test]
async fn a_child_column_of_a_type_recreated_aside_is_converted() {
    let project = Project::new().await;
    project.write(
        "sql/types.sql",
        "CREATE DOMAIN public.amount AS numeric(12,2);\n",
    );
    project.write(
        "models/orders.rs",
        &ORDERS.replace(
            "sql_type = \"numeric(12,2)\"",
            "sql_type = \"public.amount\"",
        ),
    );
    project.write(
        "sql/archive.sql",
        "CREATE TABLE public.old_orders (note public.amount) INHERITS (public.orders);\n",
    );
    project.generate_and_apply("orders");
    project
        .client()
        .batch_execute("INSERT INTO public.old_orders (id, total, note) VALUES (1, 12.5, 3)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    project.write(
        "sql/types.sql",
        "CREATE DOMAIN public.amount AS numeric(14,2);\n",
    );
    project.generate_and_apply("wider amounts");
    let row = project
        .client()
        .query_one(
            "SELECT total::text || '/' || note::text FROM public.old_orders",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(row.get::<_, String>(0), "12.50/3.00");
}

/// A project at the `orders` model's first revision, and `sql` run on its
/// database behind petal's back (what petal does not model).
async fn orders_with(sql: &str) -> Project {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.generate_and_apply("orders");
    project
        .client()
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    project
}

/// The models widen `orders.total`; autogenerate refuses, saying `why`.
fn widening_totals_is_refused(project: &Project, why: &str) {
    project.write(
        "models/orders.rs",
        &ORDERS.replace("numeric(12,2)", "numeric(14,2)"),
    );
    let run = project.petal(&["revision", "--autogenerate", "-m", "wider totals"]);
    assert_ne!(run.code, 0, "{}", run.output());
    run.assert_mentions(why);
}

/// A publication's column list (PostgreSQL 15 on) holds the column whose
/// type the models change, and an event trigger executes the function the
/// SQL files no longer declare: PostgreSQL refuses both, so petal writes
/// no file and names each.
#[tokio::test]
async fn changes_under_a_publication_and_an_event_trigger_are_refused() {
    let project = Project::new().await;
    project.write("models/orders.rs", ORDERS);
    project.write(
        "sql/ddl.sql",
        "CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;",
    );
    project.generate_and_apply("orders");
    let client = project.client();
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map(|row| row.get(0))
        .unwrap_or_default();
    client
        .batch_execute(
            "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION public.on_ddl()",
        )
        .await
        .unwrap_or_else(|e| panic!("event trigger: {e}"));
    let before = project.migrations();

    project.write("sql/ddl.sql", "");
    let run = project.petal(&["revision", "--autogenerate", "-m", "no ddl audit"]);
    assert_ne!(run.code, 0, "{}", run.output());
    run.assert_mentions(
        "event trigger audit_ddl uses function public.on_ddl(), which the up drops",
    );
    assert_eq!(project.migrations(), before, "no file is written");
    client
        .batch_execute("DROP EVENT TRIGGER audit_ddl")
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    if version >= 150_000 {
        client
            .batch_execute("CREATE PUBLICATION shop FOR TABLE public.orders (id, total)")
            .await
            .unwrap_or_else(|e| panic!("publication: {e}"));
        widening_totals_is_refused(
            &project,
            "publication of a table shop on public.orders uses column public.orders.total, \
             which the up changes the type of",
        );
        assert_eq!(project.migrations(), before, "no file is written");
    }
}
