//! Procedural macros of flyte-rs. Each macro parses its input into a model, validates it
//! (collecting every error), then expands into short impls of `flyte_runtime` traits.
//! All logic the generated code needs lives in `flyte_runtime::__private`; the macros are
//! re-exported, and documented, by `flyte_runtime`.

extern crate proc_macro;

mod container_task;
mod ctxt;
mod docs;
#[cfg(test)]
mod expansion_snapshots;
mod flyte_type;
mod rename;
mod shim_executor;
mod suggest;
mod task_io;

use proc_macro::TokenStream;

/// Defined in `flyte-rs-macros`; use it through `flyte_runtime::FlyteType`.
#[proc_macro_derive(FlyteType, attributes(flyte))]
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    flyte_type::derive(&input)
        .unwrap_or_else(ctxt::to_compile_errors)
        .into()
}

/// Defined in `flyte-rs-macros`; use it through `flyte_runtime::TaskIo`.
#[proc_macro_derive(TaskIo, attributes(flyte))]
pub fn derive_task_io(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    task_io::derive(&input)
        .unwrap_or_else(ctxt::to_compile_errors)
        .into()
}

/// Defined in `flyte-rs-macros`; use it through `flyte_runtime::container_task`.
#[proc_macro_attribute]
pub fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    container_task::container_task(args.into(), item.into()).into()
}

/// Defined in `flyte-rs-macros`; use it through `flyte_runtime::shim_executor`.
#[proc_macro_attribute]
pub fn shim_executor(args: TokenStream, item: TokenStream) -> TokenStream {
    shim_executor::shim_executor(args.into(), item.into()).into()
}
