//! `#[derive(FlyteType)]`: structs become Flyte dataclasses, unit-only enums Flyte enums.

mod expand;
mod model;
mod parse;

use proc_macro2::TokenStream;

pub(crate) fn derive(input: &syn::DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let model = parse::parse(input)?;
    Ok(expand::expand(&model))
}
