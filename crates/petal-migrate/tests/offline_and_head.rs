//! The planner's offline form (`--sql`).

mod common;

use common::{id, linear};
use petal_migrate::{Direction, PlanError, Target, plan_offline};

fn target(text: &str) -> Target {
    Target::parse(text).expect("valid target")
}

#[test]
fn offline_upgrades_start_from_base_and_downgrades_need_a_range() {
    let g = linear();
    let up = plan_offline(&g, &target("head"), Direction::Up).expect("plans");
    assert_eq!(up.revisions(), [&id("a"), &id("b"), &id("c")]);
    for single in ["base", "-1", "20260101000001"] {
        let err = plan_offline(&g, &target(single), Direction::Down).expect_err(single);
        assert_eq!(
            err,
            PlanError::OfflineDowngradeNeedsRange {
                target: single.to_string()
            }
        );
        assert!(
            err.to_string().starts_with(&format!(
                "offline downgrade needs a range FROM:TO (for example `head:{single}`)"
            )),
            "{err}"
        );
    }
    let down = plan_offline(&g, &target("head:20260101000001"), Direction::Down).expect("plans");
    assert_eq!(down.revisions(), [&id("c"), &id("b")]);
}
