//! Checks an executor impl: the trait, generics, `type Task`, the shape of
//! `execute_from_model`, and how its type is named (its registered path is built from that);
//! every problem goes to the context, spanned at its token.

use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

/// Checks the impl; `true` when `execute_from_model` is missing or its signature is wrong
/// (the fallback then stands a stub in for it).
pub(super) fn validate(cx: &mut Ctxt, imp: &syn::ItemImpl) -> bool {
    let bad_signature = check_impl(cx, imp);
    check_path(cx, &imp.self_ty);
    bad_signature
}

/// The impl's shape.
fn check_impl(cx: &mut Ctxt, imp: &syn::ItemImpl) -> bool {
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
    for item in &imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "execute_from_model" {
            continue;
        }
        found = true;
        let sig = &f.sig;
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

/// How the executor's type is named: not through `super::`, whose path could not be told at
/// compile time (the registered path is built from how it is named here).
fn check_path(cx: &mut Ctxt, ty: &syn::Type) {
    let syn::Type::Path(tp) = ty else {
        return;
    };
    if tp.qself.is_some() {
        return;
    }
    if let Some(s) = tp.path.segments.iter().find(|s| s.ident == "super") {
        cx.error_spanned_by(
            s,
            "name the executor `Exec` (in its own module) or `crate::…::Exec`: its registered path is built from how it is named here",
        );
    }
}
