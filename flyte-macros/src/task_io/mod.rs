//! `#[derive(TaskIo)]`: a struct whose fields are a task's inputs (or outputs). Parsed into
//! variables (`parse`, `model`), checked (`validate`), then expanded into `impl TaskIo`
//! (`expand`), with one error context for the whole input.

mod expand;
mod model;
mod parse;
mod validate;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ctxt::Ctxt;

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let mut cx = Ctxt::default();
    let vars = parse::parse(&mut cx, input);
    validate::validate(&mut cx, &vars);
    let vars = cx.finish(Some(vars))?;
    Ok(expand::expand(input, &vars))
}
