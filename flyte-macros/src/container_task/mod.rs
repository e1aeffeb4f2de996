//! `#[container_task(...)]`: a struct becomes a prebuilt-container task type.

mod config_fields;
mod expand;
mod fallback;
mod model;
mod parse;

use proc_macro2::TokenStream;

pub(crate) fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    // As tokio-macros does: on error, keep the user's item so the rest of the crate still
    // type-checks, add the errors, and (as thiserror does) a fallback impl so that nothing
    // cascades from the missing one.
    let input = match syn::parse2::<syn::DeriveInput>(item.clone()) {
        Ok(input) => input,
        Err(e) => {
            let error = e.to_compile_error();
            return quote::quote!(#item #error);
        }
    };
    match parse::parse(args, &input) {
        Ok(model) => expand::expand(&input, &model),
        Err(failed) => {
            let errors = crate::ctxt::to_compile_errors(failed.errors);
            let fallback = fallback::fallback(&input, &failed.raw);
            quote::quote!(#item #errors #fallback)
        }
    }
}
