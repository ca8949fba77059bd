//! What `GRANT` and `REVOKE` on an object mean: who gains a privilege
//! and who loses one. A revoke is destructive: the application's role may
//! be the one that loses it, and nothing in the migration says it was not.

use petal_ir::{Grant, ObjectKey};

use super::Delta;
use crate::classify::{Review, Safety};

/// What one statement does to one grantee's privileges on an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// `REVOKE p`: the privilege goes (with its grant option).
    Revoke,
    /// `REVOKE GRANT OPTION FOR p`: the privilege stays.
    RevokeOption,
    /// `GRANT p`.
    Grant,
    /// `GRANT p ... WITH GRANT OPTION`: the privilege, or only its option.
    GrantWithOption,
}

/// The steps taking an object's grants from `grants.from` to `grants.to`:
/// the revokes first, then the grants; per step, each grantee (in order,
/// `PUBLIC` first) with its privileges.
pub(crate) fn steps(grants: &Delta<Vec<Grant>>) -> Vec<(Step, Option<String>, Vec<String>)> {
    let find = |list: &[Grant], g: &Grant| {
        list.iter()
            .find(|x| x.grantee == g.grantee && x.privilege == g.privilege)
            .map(|x| x.grantable)
    };
    let mut out: Vec<(Step, Option<String>, Vec<String>)> = Vec::new();
    let mut add = |step: Step, g: &Grant| match out
        .iter_mut()
        .find(|(s, who, _)| *s == step && *who == g.grantee)
    {
        Some((_, _, list)) => list.push(g.privilege.clone()),
        None => out.push((step, g.grantee.clone(), vec![g.privilege.clone()])),
    };
    for g in &grants.from {
        match find(&grants.to, g) {
            None => add(Step::Revoke, g),
            Some(false) if g.grantable => add(Step::RevokeOption, g),
            Some(_) => {}
        }
    }
    for g in &grants.to {
        let before = find(&grants.from, g);
        if before.is_none() || (g.grantable && before == Some(false)) {
            add(
                if g.grantable {
                    Step::GrantWithOption
                } else {
                    Step::Grant
                },
                g,
            );
        }
    }
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out
}

/// The grants of `a` that `b` lacks (a grant option lost is a grant
/// lost: the grantee can no longer pass it on).
pub fn missing<'a>(a: &'a [Grant], b: &[Grant]) -> Vec<&'a Grant> {
    a.iter().filter(|g| !b.contains(g)).collect()
}

pub(super) fn review(on: &ObjectKey, grants: &Delta<Vec<Grant>>) -> Review {
    let steps = steps(grants);
    let role = |who: &Option<String>| who.clone().unwrap_or_else(|| "PUBLIC".into());
    let said: Vec<String> = steps
        .iter()
        .map(|(step, who, list)| {
            let (list, who) = (list.join(", "), role(who));
            match step {
                Step::Revoke => format!("revoke {list} from {who}"),
                Step::RevokeOption => format!("revoke the grant option for {list} from {who}"),
                Step::Grant => format!("grant {list} to {who}"),
                Step::GrantWithOption => format!("grant {list} to {who} with grant option"),
            }
        })
        .collect();
    let lost: Vec<String> = steps
        .iter()
        .filter(|(step, ..)| *step == Step::Revoke)
        .map(|(_, who, list)| format!("{} loses {}", role(who), list.join(", ")))
        .collect();
    // Default privileges reach only what is created after: no one loses
    // what they have.
    if let ObjectKey::DefaultPrivileges { role, .. } = on {
        let review = Review::new(format!("{on}: {}", said.join("; ")), Safety::Safe);
        if lost.is_empty() {
            return review;
        }
        return Review {
            safety: Safety::Breaking,
            ..review
        }
        .note(format!(
            "what {role} creates from this migration on grants less: {} there",
            lost.join("; ")
        ));
    }
    let description = format!("privileges on {on}: {}", said.join("; "));
    if lost.is_empty() {
        return Review::safe(description);
    }
    Review::new(description, Safety::Destructive).note(format!(
        "{} on {on}: what runs as that role and needs it fails from this migration on",
        lost.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use petal_ir::QualifiedName;

    fn grant(grantee: Option<&str>, privilege: &str, grantable: bool) -> Grant {
        Grant {
            grantee: grantee.map(str::to_string),
            privilege: privilege.into(),
            grantable,
        }
    }

    fn on() -> ObjectKey {
        ObjectKey::table(&QualifiedName::new("public", "orders"))
    }

    #[test]
    fn a_grant_is_safe_and_a_revoke_destructive_naming_who_loses_what() {
        let app = grant(Some("app"), "SELECT", false);
        let granted = review(&on(), &Delta::new(vec![], vec![app.clone()]));
        assert_eq!(granted.safety, Safety::Safe);
        assert_eq!(
            granted.description,
            "privileges on table public.orders: grant SELECT to app"
        );
        let revoked = review(&on(), &Delta::new(vec![app], vec![]));
        assert_eq!(revoked.safety, Safety::Destructive);
        assert_eq!(
            revoked.description,
            "privileges on table public.orders: revoke SELECT from app"
        );
        assert!(revoked.notes[0].starts_with("app loses SELECT on table public.orders"));
    }

    #[test]
    fn a_grant_option_taken_away_keeps_the_privilege() {
        let with = grant(None, "SELECT", true);
        let without = grant(None, "SELECT", false);
        let r = review(&on(), &Delta::new(vec![with], vec![without]));
        assert_eq!(r.safety, Safety::Safe);
    }
}
