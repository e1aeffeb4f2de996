//! Checks an executor impl (the trait, generics, `type Task`, the shape of
//! `execute_from_model`) and works out the path it is registered under; every problem goes
//! to the context, spanned at its token.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

/// Checks the impl's shape and makes a plain `execute_from_model` async.
pub(super) fn validate(cx: &mut Ctxt, imp: &mut syn::ItemImpl) -> bool {
    let is_shim = imp
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "ShimTaskExecutor");
    if !is_shim {
        let span = imp
            .trait_
            .as_ref()
            .map_or(imp.self_ty.span(), |(_, p, _)| p.span());
        cx.syn_error(syn::Error::new(
            span,
            "#[shim_executor] goes on `impl ShimTaskExecutor for YourExecutor`",
        ));
        return false;
    }
    if !imp.generics.params.is_empty() {
        cx.error_spanned_by(
            &imp.generics,
            "an executor cannot be generic: its registered path names one type",
        );
    }
    if !imp
        .items
        .iter()
        .any(|i| matches!(i, syn::ImplItem::Type(t) if t.ident == "Task"))
    {
        cx.error_spanned_by(
            &imp.self_ty,
            "missing `type Task = YourTaskType;`: the task type this executor runs",
        );
    }
    let mut found = false;
    let mut bad_signature = false;
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "execute_from_model" {
            continue;
        }
        found = true;
        let sig = &mut f.sig;
        let receiver_ok = matches!(sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none());
        if !receiver_ok || sig.inputs.len() != 4 {
            bad_signature = true;
            cx.error_spanned_by(
                &sig.inputs,
                "expected `execute_from_model(&self, ctx: &ExecutionContext, task: Self::Task, inputs: <task type's Inputs>)`",
            );
        }
        if matches!(sig.output, syn::ReturnType::Default) {
            bad_signature = true;
            cx.error_spanned_by(
                &sig.ident,
                "execute_from_model must return `Result<Outputs, TaskError>`",
            );
        }
        if sig.asyncness.is_none() {
            sig.asyncness = Some(syn::Token![async](sig.fn_token.span));
        }
    }
    if !found {
        bad_signature = true;
        cx.error_spanned_by(
            &imp.self_ty,
            "missing `fn execute_from_model(&self, ctx, task, inputs)`",
        );
    }
    bad_signature
}

/// The path the executor is registered under, the same however its type is spelt: `Exec`
/// and `self::Exec` are `<this module>::Exec`, `crate::a::Exec` is `<this crate>::a::Exec`.
/// `super::` is refused (the path could not be told at compile time). `None` for a type
/// that is not a plain path (the printed tokens are used).
pub(super) fn registered_path(cx: &mut Ctxt, ty: &syn::Type) -> Option<TokenStream> {
    let syn::Type::Path(tp) = ty else {
        return None;
    };
    if tp.qself.is_some() {
        return None;
    }
    let mut segments: Vec<&syn::PathSegment> = tp.path.segments.iter().collect();
    if let Some(s) = segments.iter().find(|s| s.ident == "super") {
        cx.error_spanned_by(
            s,
            "name the executor `Exec` (in its own module) or `crate::…::Exec`: its registered path is built from how it is named here",
        );
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
