//! `#[shim_executor]` on `impl ShimTaskExecutor for X`: registers X under its stable path
//! and lets `execute_from_model` be written as a plain `fn` or an `async fn`. The impl is
//! parsed (`parse`), checked (`validate`), made into the model (`model`), then expanded
//! (`expand`), or on errors stood in for (`fallback`), with one error context for the whole
//! invocation.

mod expand;
mod fallback;
mod model;
mod parse;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::{to_compile_errors, Ctxt};

pub(crate) fn shim_executor(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let Some(imp) = parse::parse(&mut cx, &args, &item) else {
        // Every error of the invocation (arguments given too), beside the item as it was.
        let errors = to_compile_errors(cx.refused());
        return quote!(#item #errors);
    };
    let bad_signature = validate::validate(&mut cx, &imp);
    let model = model::ExecutorModel::new(imp);
    match cx.check() {
        Ok(()) => expand::expand(&model),
        Err(errors) => {
            fallback::fallback(&model.imp, bad_signature, to_compile_errors(errors), item)
        }
    }
}
