//! The executor as it is expanded: its impl, with `execute_from_model` made `async` (so that
//! it may be written as a plain `fn`), and the path it is registered under.

use proc_macro2::TokenStream;
use quote::quote;

pub(super) struct ExecutorModel {
    /// The user's impl, each `execute_from_model` made `async`.
    pub(super) imp: syn::ItemImpl,
    /// The registered path, `None` for a type that is not a plain path (its printed tokens
    /// are used) or one named through `super::` (which `validate` refuses).
    pub(super) path: Option<TokenStream>,
}

impl ExecutorModel {
    pub(super) fn new(mut imp: syn::ItemImpl) -> Self {
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.ident == "execute_from_model" && f.sig.asyncness.is_none() {
                f.sig.asyncness = Some(syn::Token![async](f.sig.fn_token.span));
            }
        }
        let path = registered_path(&imp.self_ty);
        Self { imp, path }
    }
}

/// The path the executor is registered under, the same however its type is spelt: `Exec`
/// and `self::Exec` are `<this module>::Exec`, `crate::a::Exec` is `<this crate>::a::Exec`.
/// `None` for a type that is not a plain path (the printed tokens are used), and for one
/// named through `super::` (the path could not be told at compile time).
fn registered_path(ty: &syn::Type) -> Option<TokenStream> {
    let syn::Type::Path(tp) = ty else {
        return None;
    };
    if tp.qself.is_some() {
        return None;
    }
    let mut segments: Vec<&syn::PathSegment> = tp.path.segments.iter().collect();
    if segments.iter().any(|s| s.ident == "super") {
        return None;
    }
    let from_crate = segments.first().is_some_and(|s| s.ident == "crate");
    if segments
        .first()
        .is_some_and(|s| s.ident == "self" || s.ident == "crate")
    {
        segments.remove(0);
    }
    let rest: Vec<String> = segments
        .iter()
        .map(|s| quote!(#s).to_string().replace(' ', ""))
        .collect();
    let rest = rest.join("::");
    Some(if from_crate {
        quote!(::core::concat!(::core::env!("CARGO_CRATE_NAME"), "::", #rest))
    } else {
        quote!(::core::concat!(::core::module_path!(), "::", #rest))
    })
}
