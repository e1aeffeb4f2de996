//! `#[shim_executor]` on `impl ShimTaskExecutor for X`: registers X under its stable path
//! and lets `execute_from_model` be written as a plain `fn` or an `async fn`. The impl is
//! parsed (here), checked (`validate`), then expanded (`expand`), or on errors stood in for
//! (`fallback`).

mod expand;
mod fallback;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

pub(crate) fn shim_executor(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    if !args.is_empty() {
        cx.error_spanned_by(&args, "#[shim_executor] takes no arguments");
    }
    let mut imp = match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(imp) => imp,
        Err(_) => {
            cx.syn_error(syn::Error::new(
                item.clone()
                    .into_iter()
                    .next()
                    .map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                "#[shim_executor] goes on `impl ShimTaskExecutor for YourExecutor { ... }`",
            ));
            // Every error of the invocation (arguments given too), beside the item as it was.
            let errors = crate::ctxt::to_compile_errors(cx.check().err().unwrap_or_default());
            return quote!(#item #errors);
        }
    };
    let bad_signature = validate::validate(&mut cx, &mut imp);
    let path = validate::registered_path(&mut cx, &imp.self_ty);
    match cx.check() {
        Ok(()) => expand::expand(&imp, path),
        Err(errors) => {
            let errors = crate::ctxt::to_compile_errors(errors);
            fallback::fallback(&imp, bad_signature, errors, item)
        }
    }
}
