//! The text dump of the objects beside tables and enum types: extensions,
//! sequences, types, functions, views, triggers, policies and
//! privileges, each in key order.

use std::fmt::Write;

use crate::dump::index_line;
use crate::name::{quote_ident, quote_literal};
use crate::{
    CheckOption, Collation, CompositeType, Database, Domain, Function, Policy, RangeType, Sequence,
    Trigger, TriggerEnabled, View,
};

/// Everything but schemas, enum types and tables, in the order a schema is
/// built: extensions, collations, sequences, types, functions, views,
/// triggers, policies.
pub(crate) fn dump_objects(out: &mut String, db: &Database) {
    for e in db.extensions.values() {
        let mut line = format!(
            "\nextension {} schema {}",
            quote_ident(&e.name),
            quote_ident(&e.schema)
        );
        if let Some(v) = &e.version {
            let _ = write!(line, " version {}", quote_literal(v));
        }
        let _ = writeln!(out, "{line}");
    }
    for c in db.collations.values() {
        collation(out, c);
    }
    for s in db.sequences.values() {
        sequence(out, s);
    }
    for d in db.domains.values() {
        domain(out, d);
    }
    for c in db.composite_types.values() {
        composite(out, c);
    }
    for r in db.range_types.values() {
        range(out, r);
    }
    for f in db.functions.values() {
        function(out, f);
    }
    for v in db.views.values() {
        view(out, v);
    }
    for t in db.triggers.values() {
        trigger(out, t);
    }
    for p in db.policies.values() {
        policy(out, p);
    }
    if let Some(acls) = &db.privileges {
        for acl in acls.objects.values() {
            privileges(out, acl);
        }
    }
}

/// `privileges on table public.t` and one line per grant.
fn privileges(out: &mut String, acl: &crate::Acl) {
    let _ = writeln!(
        out,
        "
privileges on {}",
        acl.on
    );
    if acl.grants.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for g in &acl.grants {
        let grantee = crate::grantee_sql(&g.grantee);
        let option = if g.grantable {
            " with grant option"
        } else {
            ""
        };
        let _ = writeln!(out, "  {} to {grantee}{option}", g.privilege);
    }
}

fn comment(out: &mut String, comment: &Option<String>) {
    if let Some(c) = comment {
        let _ = writeln!(out, "  comment {}", quote_literal(c));
    }
}

fn renamed(out: &mut String, from: &Option<crate::QualifiedName>) {
    if let Some(from) = from {
        let _ = writeln!(out, "  renamed from {}", from.quoted());
    }
}

/// A definition PostgreSQL printed, indented under its object.
fn definition(out: &mut String, text: &str) {
    for line in text.trim_end().lines() {
        let _ = writeln!(out, "    {}", line.trim_end());
    }
}

fn sequence(out: &mut String, s: &Sequence) {
    let o = &s.options;
    let _ = writeln!(
        out,
        "\nsequence {} {} start {} increment {} min {} max {} cache {}{}",
        s.name.quoted(),
        s.ty,
        o.start,
        o.increment,
        o.min_value,
        o.max_value,
        o.cache,
        if o.cycle { " cycle" } else { "" }
    );
    if let Some(owner) = &s.owned_by {
        let _ = writeln!(
            out,
            "  owned by {}.{}",
            owner.table.quoted(),
            quote_ident(&owner.column)
        );
    }
    comment(out, &s.comment);
    renamed(out, &s.renamed_from);
}

fn domain(out: &mut String, d: &Domain) {
    let mut line = format!("\ndomain {} {}", d.name.quoted(), d.base_type);
    if let Some(c) = &d.collation {
        let _ = write!(line, " collate {}", crate::collation_sql(c));
    }
    if d.not_null {
        line.push_str(" not null");
    }
    if let Some(default) = &d.default {
        let _ = write!(line, " default {default}");
    }
    let _ = writeln!(out, "{line}");
    for c in &d.checks {
        let _ = writeln!(out, "  check {} ({})", quote_ident(&c.name), c.expr);
    }
    comment(out, &d.comment);
    renamed(out, &d.renamed_from);
}

fn composite(out: &mut String, c: &CompositeType) {
    let _ = writeln!(out, "\ncomposite type {}", c.name.quoted());
    for a in &c.attributes {
        let mut line = format!("  attribute {} {}", quote_ident(&a.name), a.ty);
        if let Some(coll) = &a.collation {
            let _ = write!(line, " collate {}", crate::collation_sql(coll));
        }
        if let Some(text) = &a.comment {
            let _ = write!(line, " comment {}", quote_literal(text));
        }
        let _ = writeln!(out, "{line}");
    }
    comment(out, &c.comment);
    renamed(out, &c.renamed_from);
}

fn collation(out: &mut String, c: &Collation) {
    let mut line = format!("\ncollation {} provider {}", c.name.quoted(), c.provider);
    let parts = [
        ("locale", &c.locale),
        ("lc_collate", &c.lc_collate),
        ("lc_ctype", &c.lc_ctype),
        ("rules", &c.rules),
    ];
    for (word, value) in parts {
        if let Some(v) = value {
            let _ = write!(line, " {word} {}", quote_literal(v));
        }
    }
    if !c.deterministic {
        line.push_str(" nondeterministic");
    }
    let _ = writeln!(out, "{line}");
    comment(out, &c.comment);
    renamed(out, &c.renamed_from);
}

fn range(out: &mut String, r: &RangeType) {
    let mut line = format!("\nrange type {} subtype {}", r.name.quoted(), r.subtype);
    let parts = [
        ("opclass", &r.subtype_opclass),
        ("collate", &r.collation),
        ("canonical", &r.canonical),
        ("subtype_diff", &r.subtype_diff),
        ("multirange", &r.multirange),
    ];
    for (word, value) in parts {
        if let Some(v) = value {
            let _ = write!(line, " {word} {v}");
        }
    }
    let _ = writeln!(out, "{line}");
    comment(out, &r.comment);
    renamed(out, &r.renamed_from);
}

fn function(out: &mut String, f: &Function) {
    let _ = writeln!(
        out,
        "\n{} {}({})",
        f.kind.noun(),
        f.name.quoted(),
        f.signature
    );
    definition(out, &f.definition);
    comment(out, &f.comment);
    renamed(out, &f.renamed_from);
}

fn view(out: &mut String, v: &View) {
    let _ = writeln!(out, "\n{} {}", v.kind(), v.name.quoted());
    for c in &v.columns {
        let mut line = format!("  column {} {}", quote_ident(&c.name), c.ty);
        if let Some(text) = &c.comment {
            let _ = write!(line, " comment {}", quote_literal(text));
        }
        let _ = writeln!(out, "{line}");
    }
    let mut options: Vec<String> = Vec::new();
    if v.security_barrier {
        options.push("security_barrier".into());
    }
    if v.security_invoker {
        options.push("security_invoker".into());
    }
    options.extend(v.options.iter().cloned());
    if !options.is_empty() {
        let _ = writeln!(out, "  with ({})", options.join(", "));
    }
    match v.check_option {
        Some(CheckOption::Local) => out.push_str("  with local check option\n"),
        Some(CheckOption::Cascaded) => out.push_str("  with cascaded check option\n"),
        None => {}
    }
    out.push_str("  as\n");
    definition(out, &v.definition);
    for ix in &v.indexes {
        let _ = writeln!(out, "  {}", index_line(ix));
    }
    comment(out, &v.comment);
    renamed(out, &v.renamed_from);
}

fn trigger(out: &mut String, t: &Trigger) {
    let state = match t.enabled {
        TriggerEnabled::Origin => "",
        TriggerEnabled::Disabled => " disabled",
        TriggerEnabled::Replica => " enabled replica",
        TriggerEnabled::Always => " enabled always",
    };
    let _ = writeln!(
        out,
        "\ntrigger {} on {}{state}",
        quote_ident(&t.name),
        t.table.quoted()
    );
    definition(out, &t.definition);
    comment(out, &t.comment);
}

fn policy(out: &mut String, p: &Policy) {
    let kind = if p.permissive { "" } else { " restrictive" };
    let _ = writeln!(
        out,
        "\npolicy {} on {}{kind} for {} to {}",
        quote_ident(&p.name),
        p.table.quoted(),
        p.command.sql().to_lowercase(),
        p.roles_sql()
    );
    if let Some(using) = &p.using {
        let _ = writeln!(out, "  using {using}");
    }
    if let Some(check) = &p.with_check {
        let _ = writeln!(out, "  with check {check}");
    }
    comment(out, &p.comment);
    if let Some(from) = &p.renamed_from {
        let _ = writeln!(out, "  renamed from {}", quote_ident(from));
    }
}
