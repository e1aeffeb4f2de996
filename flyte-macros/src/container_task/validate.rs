//! The rules of a `#[container_task(...)]`: it goes on a plain (non-generic) struct, and
//! names its task type, image and executor.

use proc_macro2::Span;
use syn::{Data, DeriveInput};

use super::model::{Raw, KEYS};
use crate::ctxt::Ctxt;
use crate::suggest::closest;

pub(super) fn validate(cx: &mut Ctxt, raw: &Raw, input: &DeriveInput) {
    match &input.data {
        Data::Struct(_) => {}
        Data::Enum(e) => cx.error_spanned_by(
            e.enum_token,
            "#[container_task] goes on a struct: its fields are the task type's configuration",
        ),
        Data::Union(u) => cx.error_spanned_by(
            u.union_token,
            "#[container_task] goes on a struct: its fields are the task type's configuration",
        ),
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "a task type cannot be generic: the template must name one concrete configuration",
        );
    }
    for (key, example) in [
        ("task_type", "task_type = \"...\""),
        ("image", "image = \"registry/name:tag\""),
        ("executor", "executor = YourExecutor"),
    ] {
        // A key given with a bad value was reported by `parse`; a misspelt one whose
        // suggestion is this key was too (one error per mistake).
        let misspelt = raw
            .given
            .iter()
            .any(|g| !KEYS.contains(&g.as_str()) && closest(g, KEYS) == Some(key));
        if raw.parsed_all && !misspelt && !raw.given.iter().any(|k| k == key) {
            cx.syn_error(syn::Error::new(
                Span::call_site(),
                format!("#[container_task] is missing `{example}`"),
            ));
        }
    }
}
