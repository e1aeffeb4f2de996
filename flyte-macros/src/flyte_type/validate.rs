//! The rules of a parsed [`Model`]: a Flyte enum has a variant; field names and enum values
//! are unique.

use std::collections::HashMap;

use super::model::{EnumModel, Model, StructModel};
use crate::ctxt::Ctxt;

pub(super) fn validate(cx: &mut Ctxt, model: &Model) {
    match model {
        Model::Struct(s) => validate_struct(cx, s),
        Model::Enum(e) => validate_enum(cx, e),
    }
}

fn validate_struct(cx: &mut Ctxt, s: &StructModel) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for f in &s.fields {
        if let Some(first) = seen.insert(&f.name, &f.member) {
            cx.error_spanned_by(
                &f.member,
                format!("field name `{}` is already used by `{first}`", f.name),
            );
        }
    }
}

fn validate_enum(cx: &mut Ctxt, e: &EnumModel) {
    if e.variants.is_empty() {
        cx.error_spanned_by(&e.ident, "a Flyte enum needs at least one variant");
    }
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for (ident, value) in &e.variants {
        if let Some(first) = seen.insert(value, ident) {
            cx.error_spanned_by(
                ident,
                format!("value {value:?} is already used by variant `{first}`"),
            );
        }
    }
}
