//! `#[container_task(...)]`: a struct becomes a prebuilt-container task type. The attribute
//! is parsed (`parse`, into `model`'s `Raw`), checked with the struct (`validate`), made
//! into the model (`model`, with `config_fields`), then expanded (`expand`), or on errors
//! stood in for (`fallback`), with one error context for the whole invocation.

mod config_fields;
mod expand;
mod fallback;
mod model;
mod parse;
mod validate;

use proc_macro2::TokenStream;

use crate::ctxt::{to_compile_errors, Ctxt};

pub(crate) fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    // As tokio-macros does: on error, keep the user's item so the rest of the crate still
    // type-checks, add the errors, and (as thiserror does) a fallback impl so that nothing
    // cascades from the missing one.
    let Some(input) = parse::item(&mut cx, &item) else {
        let errors = to_compile_errors(cx.refused());
        return quote::quote!(#item #errors);
    };
    let raw = parse::parse(&mut cx, args);
    validate::validate(&mut cx, &raw, &input);
    match cx.finish(model::TaskModel::new(&raw, &input)) {
        Ok(model) => expand::expand(&input, &model),
        Err(errors) => {
            let errors = to_compile_errors(errors);
            let fallback = fallback::fallback(&input, &raw);
            quote::quote!(#item #errors #fallback)
        }
    }
}
