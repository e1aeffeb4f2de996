//! Parses `#[shim_executor]` and the item it is on: no arguments, and an `impl` block.

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

/// The `impl` block; `None` (the error recorded) when the item is not one.
pub(super) fn parse(
    cx: &mut Ctxt,
    args: &TokenStream,
    item: &TokenStream,
) -> Option<syn::ItemImpl> {
    if !args.is_empty() {
        cx.error_spanned_by(args, "#[shim_executor] takes no arguments");
    }
    match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(imp) => Some(imp),
        Err(_) => {
            cx.syn_error(syn::Error::new(
                item.clone()
                    .into_iter()
                    .next()
                    .map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                "#[shim_executor] goes on `impl ShimTaskExecutor for YourExecutor { ... }`",
            ));
            None
        }
    }
}
