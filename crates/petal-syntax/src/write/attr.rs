//! The text of `#[petal(...)]` attributes: settings, lists of them, and
//! Rust string literals that give each string back exactly.

/// The longest line rustfmt leaves as it is.
pub(super) const MAX_WIDTH: usize = 100;

/// The longest list of settings rustfmt keeps on one line
/// (`attr_fn_like_width`); a longer one it breaks over several.
const MAX_SETTINGS_WIDTH: usize = 70;

/// Settings of one `#[petal(...)]`, in order: `table = "orders"`, `unique`,
/// `index(columns(a, b))`.
#[derive(Debug, Clone, Default)]
pub(super) struct Settings(Vec<Setting>);

/// One setting: its text, and for `name(a, b)` the name and items (which
/// rustfmt may put on lines of their own).
#[derive(Debug, Clone)]
struct Setting {
    text: String,
    list: Option<(String, Vec<String>)>,
}

impl Settings {
    pub(super) fn new() -> Self {
        Settings(Vec::new())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, text: String) -> &mut Self {
        self.0.push(Setting { text, list: None });
        self
    }

    /// `name`.
    pub(super) fn flag(&mut self, name: &str) -> &mut Self {
        self.push(name.to_string())
    }

    /// `name`, when `on`.
    pub(super) fn flag_if(&mut self, name: &str, on: bool) -> &mut Self {
        if on {
            self.flag(name);
        }
        self
    }

    /// `name = "value"`.
    pub(super) fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.push(format!("{name} = {}", literal(value)))
    }

    /// `name = "value"`, when there is a value.
    pub(super) fn string_opt(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.string(name, value);
        }
        self
    }

    /// `name(a, b)`: identifiers, or settings already written.
    pub(super) fn list(&mut self, name: &str, items: &[String]) -> &mut Self {
        self.0.push(Setting {
            text: format!("{name}({})", items.join(", ")),
            list: Some((name.to_string(), items.to_vec())),
        });
        self
    }

    /// `name(settings)`, or `name` alone when there are none.
    pub(super) fn nested(&mut self, name: &str, inner: &Settings) -> &mut Self {
        if inner.is_empty() {
            self.flag(name)
        } else {
            self.list(name, &inner.texts())
        }
    }

    /// Each setting's text.
    pub(super) fn texts(&self) -> Vec<String> {
        self.0.iter().map(|s| s.text.clone()).collect()
    }
}

/// `#[petal(settings)]` lines at `indent`, as rustfmt leaves them: all
/// settings on one line when they fit, else one attribute per group of
/// settings that belong together, else one per setting; a setting too long
/// for its line broken as rustfmt breaks it.
pub(super) fn petal_lines(indent: &str, groups: &[Settings]) -> Vec<String> {
    let groups: Vec<&Settings> = groups.iter().filter(|g| !g.is_empty()).collect();
    let all: Vec<Setting> = groups.iter().flat_map(|g| g.0.iter().cloned()).collect();
    if fits(indent, &all) {
        return attribute(indent, &all);
    }
    let mut lines = Vec::new();
    for group in groups {
        if fits(indent, &group.0) {
            lines.extend(attribute(indent, &group.0));
        } else {
            for setting in &group.0 {
                lines.extend(attribute(indent, std::slice::from_ref(setting)));
            }
        }
    }
    lines
}

/// Whether settings go in one attribute: one setting always does (it
/// breaks as rustfmt breaks it), several when rustfmt keeps them on a line.
fn fits(indent: &str, settings: &[Setting]) -> bool {
    let texts: Vec<&str> = settings.iter().map(|s| s.text.as_str()).collect();
    settings.len() <= 1 || one_line(indent, &texts)
}

/// Whether rustfmt keeps `#[petal(items)]` on one line: it fits the width,
/// and several items fit `attr_fn_like_width`.
fn one_line(indent: &str, items: &[&str]) -> bool {
    let joined = items.join(", ");
    let width = indent.chars().count() + "#[petal()]".len() + joined.chars().count();
    width <= MAX_WIDTH && (items.len() <= 1 || joined.chars().count() <= MAX_SETTINGS_WIDTH)
}

/// One `#[petal(...)]`; a single setting too long for one line is broken
/// as rustfmt breaks it: `name(` with its items on lines of their own, or
/// the setting alone on its line.
fn attribute(indent: &str, settings: &[Setting]) -> Vec<String> {
    let texts: Vec<&str> = settings.iter().map(|s| s.text.as_str()).collect();
    let inner_fits = |items: &[String]| {
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        items.len() <= 1 || items.join(", ").chars().count() <= MAX_SETTINGS_WIDTH
    };
    match settings {
        [] => Vec::new(),
        [
            Setting {
                list: Some((name, items)),
                ..
            },
        ] if !(one_line(indent, &texts) && inner_fits(items)) => {
            let mut lines = vec![format!("{indent}#[petal({name}(")];
            let last = items.len().saturating_sub(1);
            for (at, item) in items.iter().enumerate() {
                let comma = if at == last { "" } else { "," };
                lines.push(format!("{indent}    {item}{comma}"));
            }
            lines.push(format!("{indent}))]"));
            lines
        }
        [single] if !one_line(indent, &texts) => vec![
            format!("{indent}#[petal("),
            format!("{indent}    {}", single.text),
            format!("{indent})]"),
        ],
        _ => vec![format!("{indent}#[petal({})]", texts.join(", "))],
    }
}

/// `text` as comment lines of at most [`MAX_WIDTH`], broken at spaces.
pub(super) fn comment_lines(text: &str, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    // A line break or a control character in a quoted name would end the
    // comment: written escaped.
    let text: String = text
        .chars()
        .map(|c| {
            if needs_escape(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect();
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > MAX_WIDTH {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

/// A Rust string literal of `text`: plain when nothing needs escaping,
/// raw (`r#"..."#`) when quotes or backslashes would, escaped only for
/// control characters (which a raw string would carry invisibly).
pub(super) fn literal(text: &str) -> String {
    if text.chars().any(needs_escape) {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\0' => out.push_str("\\0"),
                c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        return out;
    }
    if !text.contains(['"', '\\']) {
        return format!("\"{text}\"");
    }
    // As many hashes as it takes for `"#..#` not to occur inside.
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

/// A character written escaped: a control character, which a raw string
/// would carry invisibly, and the bidirectional-text controls rustc
/// refuses in a literal (`text_direction_codepoint_in_literal`).
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(lit: &str) -> String {
        match syn::parse_str::<syn::LitStr>(lit) {
            Ok(parsed) => parsed.value(),
            Err(e) => panic!("{lit}: {e}"),
        }
    }

    #[test]
    fn literals_give_their_text_back() {
        for text in [
            "plain",
            "",
            "a \"quoted\" word",
            r"back\slash",
            "\"#",
            "x\"##y\"#",
            "line\nbreak\t\"q\"\u{7}",
            "it's",
            "Цена товара",
            "right\u{202e}to left",
        ] {
            assert_eq!(value(&literal(text)), text, "{}", literal(text));
        }
        assert!(!literal("a\u{2066}b").contains('\u{2066}'));
        let lines = comment_lines("a \"line\nbreak\" here", "// ", "// ");
        assert_eq!(lines, ["// a \"line\\u{a}break\" here"]);
        assert_eq!(literal("plain"), "\"plain\"");
        assert_eq!(literal("a \"b\""), "r#\"a \"b\"\"#");
        assert_eq!(literal("\"#"), "r##\"\"#\"##");
    }

    #[test]
    fn long_attributes_split_as_rustfmt_splits_them() {
        let mut a = Settings::new();
        a.string("column", "Note Text");
        let mut b = Settings::new();
        b.string("comment", &"x".repeat(80)).flag("unique");
        let lines = petal_lines("    ", &[a.clone(), Settings::new(), b]);
        let long = format!("        comment = \"{}\"", "x".repeat(80));
        assert_eq!(
            lines,
            [
                "    #[petal(column = \"Note Text\")]",
                "    #[petal(",
                long.as_str(),
                "    )]",
                "    #[petal(unique)]",
            ]
        );
        assert_eq!(petal_lines("", &[a]), ["#[petal(column = \"Note Text\")]"]);
        let mut inner = Settings::new();
        inner
            .list("columns", &["id".into(), "created_at".into()])
            .flag("initially_deferred")
            .string("comment", "line\nbreak\ttab");
        let mut unique = Settings::new();
        unique.nested("unique", &inner);
        assert_eq!(
            petal_lines("", &[unique]),
            [
                "#[petal(unique(",
                "    columns(id, created_at),",
                "    initially_deferred,",
                "    comment = \"line\\nbreak\\ttab\"",
                "))]",
            ]
        );
    }
}
