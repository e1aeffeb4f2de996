//! `#[derive(TaskIo)]`: a struct whose fields are a task's inputs (or outputs). Parsed into
//! variables (`parse`, `model`), then expanded into `impl TaskIo` (`expand`).

mod expand;
mod model;
mod parse;

use proc_macro2::TokenStream;
use syn::DeriveInput;

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let vars = parse::parse(input)?;
    Ok(expand::expand(input, &vars))
}
