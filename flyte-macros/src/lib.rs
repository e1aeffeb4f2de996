//! Procedural macros of flyte-rs. Each macro parses its input into a model, validates it
//! (collecting every error), then expands into short impls of `flyte_runtime` traits.
//! All logic the generated code needs lives in `flyte_runtime::__private`.

extern crate proc_macro;

mod ctxt;
mod flyte_type;
mod suggest;

use proc_macro::TokenStream;

/// `#[derive(FlyteType)]`: see `flyte_runtime::FlyteType` for the attributes.
#[proc_macro_derive(FlyteType, attributes(flyte))]
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    flyte_type::derive(&input)
        .unwrap_or_else(ctxt::to_compile_errors)
        .into()
}
