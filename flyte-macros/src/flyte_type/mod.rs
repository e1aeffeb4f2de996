//! `#[derive(FlyteType)]`: structs become Flyte dataclasses, unit-only enums Flyte enums.
//! Parsed into a model (`parse`, `model`), checked (`validate`), then expanded into the
//! `FlyteType` impl (`expand`), with one error context for the whole input.

mod expand;
mod model;
mod parse;
mod validate;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &syn::DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let mut cx = Ctxt::default();
    let model = parse::parse(&mut cx, input);
    if let Some(model) = &model {
        validate::validate(&mut cx, model);
    }
    let model = cx.finish(model)?;
    Ok(expand::expand(&model))
}
