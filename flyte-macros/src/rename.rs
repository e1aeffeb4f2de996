//! serde's `rename_all` rules, in one place: applied to a struct field's snake_case name (a
//! configuration's keys in `custom`, as serde writes them) and to an enum variant's
//! PascalCase name (a Flyte enum's string values, `#[flyte(rename_all = …)]`).

/// One of serde's `rename_all` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    /// The rules with the names serde gives them.
    pub(crate) const ALL: [(&'static str, RenameRule); 8] = [
        ("lowercase", RenameRule::Lower),
        ("UPPERCASE", RenameRule::Upper),
        ("PascalCase", RenameRule::Pascal),
        ("camelCase", RenameRule::Camel),
        ("snake_case", RenameRule::Snake),
        ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
        ("kebab-case", RenameRule::Kebab),
        ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
    ];

    /// The rule serde names `name`.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, rule)| *rule)
    }

    /// The rules' names, for a message.
    pub(crate) fn names() -> String {
        Self::ALL.map(|(n, _)| n).join(", ")
    }

    /// A snake_case field name under this rule.
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        let pascal = || -> String {
            field
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect()
        };
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_string(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => pascal(),
            RenameRule::Camel => lower_first(&pascal()),
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.replace('_', "-").to_ascii_uppercase(),
        }
    }

    /// A PascalCase variant name under this rule.
    pub(crate) fn apply_to_variant(self, variant: &str) -> String {
        let snake = || -> String {
            let mut out = String::new();
            for (i, ch) in variant.char_indices() {
                if i > 0 && ch.is_uppercase() {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            }
            out
        };
        match self {
            RenameRule::Pascal => variant.to_string(),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => lower_first(variant),
            RenameRule::Snake => snake(),
            RenameRule::ScreamingSnake => snake().to_ascii_uppercase(),
            RenameRule::Kebab => snake().replace('_', "-"),
            RenameRule::ScreamingKebab => snake().replace('_', "-").to_ascii_uppercase(),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    #[test]
    fn fields_follow_serde() {
        let rule = |n: &str| RenameRule::from_name(n).unwrap();
        let f = "query_template";
        for (name, expected) in [
            ("camelCase", "queryTemplate"),
            ("PascalCase", "QueryTemplate"),
            ("kebab-case", "query-template"),
            ("SCREAMING-KEBAB-CASE", "QUERY-TEMPLATE"),
            ("SCREAMING_SNAKE_CASE", "QUERY_TEMPLATE"),
            ("lowercase", "query_template"),
            ("UPPERCASE", "QUERY_TEMPLATE"),
            ("snake_case", "query_template"),
        ] {
            assert_eq!(rule(name).apply_to_field(f), expected, "{name}");
        }
        assert_eq!(RenameRule::from_name("nonsense"), None);
    }

    #[test]
    fn variants_follow_serde() {
        let rule = |n: &str| RenameRule::from_name(n).unwrap();
        let v = "DeepRed";
        for (name, expected) in [
            ("snake_case", "deep_red"),
            ("kebab-case", "deep-red"),
            ("SCREAMING_SNAKE_CASE", "DEEP_RED"),
            ("SCREAMING-KEBAB-CASE", "DEEP-RED"),
            ("lowercase", "deepred"),
            ("UPPERCASE", "DEEPRED"),
            ("camelCase", "deepRed"),
            ("PascalCase", "DeepRed"),
        ] {
            assert_eq!(rule(name).apply_to_variant(v), expected, "{name}");
        }
    }
}
