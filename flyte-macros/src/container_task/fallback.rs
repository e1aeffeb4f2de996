//! When `#[container_task(...)]` has errors: a minimal `impl ContainerTask` beside the
//! `compile_error!`s (as thiserror's `fallback.rs` does), so the author sees the attribute's
//! own errors and not a cascade from the missing impl in every executor that names the
//! struct. It uses what did parse (the executor, inputs and outputs) so that the executor's
//! signature still matches; it is never registered.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::model::Raw;

pub(super) fn fallback(input: &DeriveInput, raw: &Raw) -> TokenStream {
    // A generic struct, an enum or a union is itself the error: no impl to stand in.
    if !input.generics.params.is_empty() || !matches!(input.data, syn::Data::Struct(_)) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let io = |t: &Option<syn::Type>| match t {
        Some(t) => quote!(#t),
        None => quote!(__flyte::Literals),
    };
    let (inputs, outputs) = (io(&raw.inputs), io(&raw.outputs));
    let executor = match &raw.executor {
        Some(e) => quote!(#e),
        None => quote!(__flyte::FallbackExecutor<#ident>),
    };
    quote! {
        const _: () = {
            use ::flyte_runtime::__private as __flyte;
            impl __flyte::ContainerTask for #ident {
                const TASK_TYPE: &'static str = "";
                const IMAGE: &'static str = "";
                const VERSION: &'static str = "";
                const ENTRYPOINT: &'static str = "";
                type Inputs = #inputs;
                type Outputs = #outputs;
                type Executor = #executor;
            }
        };
    }
}
