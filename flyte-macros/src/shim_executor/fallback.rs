//! What `#[shim_executor]` emits when the impl has errors.

use proc_macro2::TokenStream;
use quote::quote;

/// On errors: the user's impl (its `execute_from_model` made async, or replaced by a stub
/// where its signature is wrong or it is missing) and a `RegisteredExecutor` impl, so that
/// only our errors are reported, not a cascade from the missing registration or the
/// compiler's own signature error.
pub(super) fn fallback(
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
    // Without `type Task` (reported already), a stand-in task type, so that the compiler
    // does not add its own "missing `Task`" and the signature is the stub's.
    let has_task = imp
        .items
        .iter()
        .any(|i| matches!(i, syn::ImplItem::Type(t) if t.ident == "Task"));
    if !has_task {
        imp.items.push(syn::parse_quote!(
            type Task = ::flyte_runtime::__private::MissingTask;
        ));
    }
    if bad_signature || !has_task {
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
    // `ExecutorOf` for every configuration: whichever names this executor, the error here
    // is the only one reported.
    let mut any_task = imp.generics.clone();
    any_task.params.push(syn::parse_quote!(__FlyteTask));
    let (any_task_generics, _, _) = any_task.split_for_impl();
    let registration = quote! {
        const _: () = {
            impl #impl_generics ::flyte_runtime::__private::RegisteredExecutor for #self_ty #where_clause {
                const PATH: &'static str = "";
            }
            impl #any_task_generics ::flyte_runtime::__private::ExecutorOf<__FlyteTask> for #self_ty #where_clause {}
        };
    };
    quote! {
        #imp
        #errors
        #registration
    }
}
