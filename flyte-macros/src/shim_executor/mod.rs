//! `#[shim_executor]` on `impl ShimTaskExecutor for X`: registers X under its stable path
//! and lets `execute_from_model` be written as a plain `fn` or an `async fn`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

pub fn shim_executor(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    if !args.is_empty() {
        cx.error_spanned_by(&args, "#[shim_executor] takes no arguments");
    }
    let mut imp = match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(imp) => imp,
        Err(_) => {
            let err = syn::Error::new(
                item.clone()
                    .into_iter()
                    .next()
                    .map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                "#[shim_executor] goes on `impl ShimTaskExecutor for YourExecutor { ... }`",
            );
            let err = err.to_compile_error();
            return quote!(#item #err);
        }
    };
    validate(&mut cx, &mut imp);
    if let Err(errors) = cx.check() {
        let errors = crate::ctxt::to_compile_errors(errors);
        return quote!(#item #errors);
    }
    let self_ty = &imp.self_ty;
    let name = quote!(#self_ty).to_string().replace(' ', "");
    quote! {
        #imp

        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::RegisteredExecutor for #self_ty {
                const PATH: &'static str = ::core::concat!(::core::module_path!(), "::", #name);
            }

            __flyte::inventory::submit! {
                __flyte::ExecutorEntry {
                    path: <#self_ty as __flyte::RegisteredExecutor>::PATH,
                    task_type: <<#self_ty as __flyte::ShimTaskExecutor>::Task as __flyte::ContainerTask>::TASK_TYPE,
                    make: __flyte::make_executor::<#self_ty>,
                    file: ::core::file!(),
                    line: ::core::line!(),
                }
            }
        };
    }
}

/// Checks the impl's shape and makes a plain `execute_from_model` async.
fn validate(cx: &mut Ctxt, imp: &mut syn::ItemImpl) {
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
        return;
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
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "execute_from_model" {
            continue;
        }
        found = true;
        let sig = &mut f.sig;
        let receiver_ok = matches!(sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none());
        if !receiver_ok || sig.inputs.len() != 4 {
            cx.error_spanned_by(
                &sig.inputs,
                "expected `execute_from_model(&self, ctx: &ExecutionContext, task: Self::Task, inputs: <task type's Inputs>)`",
            );
        }
        if matches!(sig.output, syn::ReturnType::Default) {
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
        cx.error_spanned_by(
            &imp.self_ty,
            "missing `fn execute_from_model(&self, ctx, task, inputs)`",
        );
    }
}
