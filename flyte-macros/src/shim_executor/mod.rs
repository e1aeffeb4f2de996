//! `#[shim_executor]` on `impl ShimTaskExecutor for X`: registers X under its stable path
//! and lets `execute_from_model` be written as a plain `fn` or an `async fn`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

pub(crate) fn shim_executor(args: TokenStream, item: TokenStream) -> TokenStream {
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
    let bad_signature = validate(&mut cx, &mut imp);
    let path = registered_path(&mut cx, &imp.self_ty);
    let self_ty = &imp.self_ty;
    if let Err(errors) = cx.check() {
        let errors = crate::ctxt::to_compile_errors(errors);
        return fallback(&imp, bad_signature, errors, item);
    }
    let path = path.unwrap_or_else(|| {
        let name = quote!(#self_ty).to_string().replace(' ', "");
        quote!(::core::concat!(::core::module_path!(), "::", #name))
    });
    quote! {
        #imp

        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::RegisteredExecutor for #self_ty {
                const PATH: &'static str = #path;
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

/// The path the executor is registered under, the same however its type is spelt: `Exec`
/// and `self::Exec` are `<this module>::Exec`, `crate::a::Exec` is `<this crate>::a::Exec`.
/// `super::` is refused (the path could not be told at compile time). `None` for a type
/// that is not a plain path (the printed tokens are used).
fn registered_path(cx: &mut Ctxt, ty: &syn::Type) -> Option<TokenStream> {
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

/// On errors: the user's impl (its `execute_from_model` made async, or replaced by a stub
/// where its signature is wrong or it is missing) and a `RegisteredExecutor` impl, so that
/// only our errors are reported, not a cascade from the missing registration or the
/// compiler's own signature error.
fn fallback(
    imp: &syn::ItemImpl,
    bad_signature: bool,
    errors: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let is_shim = imp
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "ShimTaskExecutor");
    if !is_shim {
        return quote!(#item #errors);
    }
    let mut imp = imp.clone();
    if bad_signature {
        imp.items.retain(
            |it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "execute_from_model"),
        );
        imp.items.push(syn::parse_quote! {
            fn execute_from_model(
                &self,
                _: &::flyte_runtime::__private::ExecutionContext,
                _: <Self as ::flyte_runtime::__private::ShimTaskExecutor>::Task,
                _: <<Self as ::flyte_runtime::__private::ShimTaskExecutor>::Task as ::flyte_runtime::__private::ContainerTask>::Inputs,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<
                <<Self as ::flyte_runtime::__private::ShimTaskExecutor>::Task as ::flyte_runtime::__private::ContainerTask>::Outputs,
                ::flyte_runtime::__private::TaskError,
            >> + ::core::marker::Send {
                ::core::future::pending()
            }
        });
    }
    let self_ty = &imp.self_ty;
    let (impl_generics, _, where_clause) = imp.generics.split_for_impl();
    let registration = quote! {
        const _: () = {
            impl #impl_generics ::flyte_runtime::__private::RegisteredExecutor for #self_ty #where_clause {
                const PATH: &'static str = "";
            }
        };
    };
    quote! {
        #imp
        #errors
        #registration
    }
}

/// Checks the impl's shape and makes a plain `execute_from_model` async.
fn validate(cx: &mut Ctxt, imp: &mut syn::ItemImpl) -> bool {
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
