//! The planner's offline form (`--sql`) and the "at head" verdict shared by
//! autogenerate and the Cvety.kz API.

mod common;

use common::{applied, divergent, id, linear};
use petal_migrate::{Direction, NotAtHead, PlanError, Target, at_head, plan_offline};

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

#[test]
fn at_head_means_every_revision_applied_and_nothing_else() {
    let g = linear();
    assert_eq!(at_head(&g, &applied(&g, &["a", "b", "c"])), Ok(()));
    assert_eq!(
        at_head(&g, &applied(&g, &["a"])),
        Err(NotAtHead::Pending(vec![id("b"), id("c")]))
    );
    // A revision no file holds is reported first: upgrading cannot fix it.
    assert_eq!(
        at_head(&g, &applied(&g, &["a", "e"])),
        Err(NotAtHead::Unknown(vec![id("e")]))
    );
    // Two heads: both must be applied.
    let g = divergent();
    assert_eq!(
        at_head(&g, &applied(&g, &["a", "b"])),
        Err(NotAtHead::Pending(vec![id("c")]))
    );
    assert_eq!(at_head(&g, &applied(&g, &["a", "c", "b"])), Ok(()));
    assert_eq!(at_head(&common::graph(&[]), &[]), Ok(()));
}
