//! Reads the configuration struct's fields as serde writes them into `custom`: each field's
//! key (`rename`, the struct's `rename_all`), doc comment, type and default, for the schema
//! the task type registers. serde's attributes are serde's to check; this only reads the ones
//! that change `custom`'s keys or defaults, and marks the schema opaque (with the reason)
//! when an attribute makes the fields and `custom` differ in a way it does not follow.

use syn::{Data, DeriveInput, Fields, LitStr};

use crate::docs::doc_of;
use crate::rename::RenameRule;

/// A field's default when its key is absent from `custom`.
pub(super) enum FieldDefault {
    /// None: the key is required (an `Option` reads as none).
    Required,
    /// `#[serde(default)]`: the field type's `Default`.
    TypeDefault,
    /// `#[serde(default = "path")]`.
    Function(syn::Path),
    /// The struct's `#[serde(default)]`: the field of the struct's `Default`.
    StructDefault,
}

/// One field, as `custom` holds it.
pub(super) struct FieldModel {
    pub ident: syn::Ident,
    pub key: String,
    pub doc: String,
    pub ty: syn::Type,
    pub default: FieldDefault,
    pub skip_if_none: bool,
}

/// The configuration's fields, or why they do not describe `custom`.
pub(super) struct ConfigModel {
    pub doc: String,
    pub fields: Vec<FieldModel>,
    pub opaque: Option<String>,
}

/// What one `#[serde(...)]` list says that matters here.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all: Option<String>,
    default: Option<FieldDefault>,
    skip_if_none: bool,
    /// The first attribute this does not follow.
    unfollowed: Option<String>,
}

/// Attributes that leave `custom`'s keys and values as the fields say.
const HARMLESS: &[&str] = &[
    "alias",
    "bound",
    "crate",
    "deny_unknown_fields",
    "expecting",
    "borrow",
];

fn serde_attrs(attrs: &[syn::Attribute]) -> SerdeAttrs {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let string = |meta: &syn::meta::ParseNestedMeta<'_>| -> syn::Result<Option<String>> {
                if meta.input.peek(syn::Token![=]) {
                    Ok(Some(meta.value()?.parse::<LitStr>()?.value()))
                } else {
                    Ok(None)
                }
            };
            match name.as_str() {
                "rename" => match string(&meta)? {
                    Some(v) => out.rename = Some(v),
                    None => {
                        skip_value(&meta)?;
                        out.unfollowed.get_or_insert("rename(serialize = …)".into());
                    }
                },
                "rename_all" => match string(&meta)? {
                    Some(v) => out.rename_all = Some(v),
                    None => {
                        skip_value(&meta)?;
                        out.unfollowed
                            .get_or_insert("rename_all(serialize = …)".into());
                    }
                },
                "default" => {
                    out.default = Some(match string(&meta)? {
                        Some(path) => FieldDefault::Function(syn::parse_str(&path)?),
                        None => FieldDefault::TypeDefault,
                    })
                }
                "skip_serializing_if" => match string(&meta)?.as_deref() {
                    Some("Option::is_none")
                    | Some("std::option::Option::is_none")
                    | Some("core::option::Option::is_none") => out.skip_if_none = true,
                    other => {
                        out.unfollowed.get_or_insert(format!(
                            "skip_serializing_if = {:?}",
                            other.unwrap_or_default()
                        ));
                    }
                },
                known if HARMLESS.contains(&known) => skip_value(&meta)?,
                other => {
                    skip_value(&meta)?;
                    out.unfollowed.get_or_insert(other.to_string());
                }
            }
            Ok(())
        });
        if parsed.is_err() {
            // serde reports its own attribute's errors; the schema just does not follow it.
            out.unfollowed
                .get_or_insert("an attribute this reader cannot parse".into());
        }
    }
    out
}

/// Skips what follows a key: `= value`, a parenthesized list (of keys, each skipped the same
/// way), or nothing.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

/// The configuration's fields as `custom` holds them. `custom_with` means `custom` is written
/// by the user's own module, so the fields say nothing of it.
pub(super) fn config_model(input: &DeriveInput, custom_with: bool) -> ConfigModel {
    let doc = doc_of(&input.attrs);
    let opaque = |why: String| ConfigModel {
        doc: doc.clone(),
        fields: Vec::new(),
        opaque: Some(why),
    };
    if custom_with {
        return opaque("`custom_with` writes `custom` itself".into());
    }
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named.named.iter().collect::<Vec<_>>(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(_) => return opaque("a tuple struct is not a map of fields".into()),
        },
        _ => return opaque("not a struct".into()),
    };
    let container = serde_attrs(&input.attrs);
    if let Some(attr) = container.unfollowed {
        return opaque(format!("`#[serde({attr})]` on the struct"));
    }
    let mut fields = Vec::new();
    for field in named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let attrs = serde_attrs(&field.attrs);
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        if let Some(attr) = attrs.unfollowed {
            return opaque(format!("`#[serde({attr})]` on field `{name}`"));
        }
        let key = match (attrs.rename, &container.rename_all) {
            (Some(key), _) => key,
            (None, Some(rule)) => match RenameRule::from_name(rule) {
                Some(rule) => rule.apply_to_field(&name),
                None => return opaque(format!("`#[serde(rename_all = {rule:?})]`")),
            },
            (None, None) => name,
        };
        let default = match (attrs.default, &container.default) {
            (Some(d), _) => d,
            (None, Some(_)) => FieldDefault::StructDefault,
            (None, None) => FieldDefault::Required,
        };
        fields.push(FieldModel {
            ident,
            key,
            doc: doc_of(&field.attrs),
            ty: field.ty.clone(),
            default,
            skip_if_none: attrs.skip_if_none,
        });
    }
    ConfigModel {
        doc,
        fields,
        opaque: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keys_defaults_and_what_is_not_followed() {
        let input: DeriveInput = syn::parse_quote! {
            /// The config.
            #[serde(rename_all = "camelCase")]
            struct C {
                /// The URI.
                uri: String,
                #[serde(default, rename = "zipped")]
                compressed: bool,
                #[serde(skip_serializing_if = "Option::is_none")]
                row_limit: Option<i64>,
            }
        };
        let m = config_model(&input, false);
        assert!(m.opaque.is_none());
        assert_eq!(m.doc, "The config.");
        let keys: Vec<&str> = m.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["uri", "zipped", "rowLimit"]);
        assert_eq!(m.fields[0].doc, "The URI.");
        assert!(matches!(m.fields[1].default, FieldDefault::TypeDefault));
        assert!(m.fields[2].skip_if_none);
        let flattened: DeriveInput = syn::parse_quote! {
            struct C { #[serde(flatten)] rest: Other }
        };
        assert_eq!(
            config_model(&flattened, false).opaque.as_deref(),
            Some("`#[serde(flatten)]` on field `rest`")
        );
        // An attribute that leaves the keys alone is skipped whole; one with a list it does
        // not follow makes the schema opaque, and the rest of the list still parses.
        let aliased: DeriveInput = syn::parse_quote! {
            struct C { #[serde(alias = "u", default)] uri: String }
        };
        let m = config_model(&aliased, false);
        assert!(m.opaque.is_none());
        assert!(matches!(m.fields[0].default, FieldDefault::TypeDefault));
        let split: DeriveInput = syn::parse_quote! {
            struct C { #[serde(rename(serialize = "a", deserialize = "b"), default)] uri: String }
        };
        assert_eq!(
            config_model(&split, false).opaque.as_deref(),
            Some("`#[serde(rename(serialize = …))]` on field `uri`")
        );
    }
}
