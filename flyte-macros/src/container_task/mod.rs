//! `#[container_task(...)]`: a struct becomes a prebuilt-container task type.

mod expand;
mod model;
mod parse;

use proc_macro2::TokenStream;

pub fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    // As tokio-macros does: on error, keep the user's item so the rest of the crate still
    // type-checks, and add the errors.
    let parsed = syn::parse2::<syn::DeriveInput>(item.clone());
    let result = parsed
        .map_err(|e| vec![e])
        .and_then(|input| parse::parse(args, &input).map(|model| expand::expand(&input, &model)));
    match result {
        Ok(tokens) => tokens,
        Err(errors) => {
            let errors = crate::ctxt::to_compile_errors(errors);
            quote::quote!(#item #errors)
        }
    }
}
