//! Doc comments (`///`, i.e. `#[doc = "..."]`) as text, the way rustdoc shows them; shared by
//! the macros that carry them into what they generate (configuration fields, task inputs and
//! outputs, struct fields).

/// The doc comment of `attrs`: each line without the one space rustdoc strips and without
/// trailing whitespace, lines joined with `\n`, the whole trimmed; empty when there is none.
pub(crate) fn doc_of(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_string())
        .collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::doc_of;

    fn doc(field: syn::Field) -> String {
        doc_of(&field.attrs)
    }

    #[test]
    fn lines_lose_one_leading_space_and_join_with_newlines() {
        let f: syn::Field = syn::parse_quote! {
            /// First line.
            ///   indented code
            ///
            #[doc = " Last.  "]
            x: i64
        };
        assert_eq!(doc(f), "First line.\n  indented code\n\nLast.");
    }

    #[test]
    fn no_doc_is_empty_and_other_attributes_are_not_docs() {
        let f: syn::Field = syn::parse_quote! {
            #[flyte(rename = "y")]
            x: i64
        };
        assert_eq!(doc(f), "");
        let f: syn::Field = syn::parse_quote! {
            #[doc = "written out"]
            #[doc = ""]
            x: i64
        };
        assert_eq!(doc(f), "written out");
    }
}
