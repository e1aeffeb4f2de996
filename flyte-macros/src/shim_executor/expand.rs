//! Expands a checked executor impl: the impl itself (its `execute_from_model` made async),
//! `impl RegisteredExecutor` with the stable path, `impl ExecutorOf<Task>` (which
//! `#[container_task(executor = …)]` checks, so that naming another type's executor says
//! what to change), and the inventory registration.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::ExecutorModel;

pub(super) fn expand(model: &ExecutorModel) -> TokenStream {
    let imp = &model.imp;
    let self_ty = &imp.self_ty;
    let path = model.path.clone().unwrap_or_else(|| {
        let name = quote!(#self_ty).to_string().replace(' ', "");
        quote!(::core::concat!(::core::module_path!(), "::", #name))
    });
    let task = imp.items.iter().find_map(|item| match item {
        syn::ImplItem::Type(t) if t.ident == "Task" => Some(&t.ty),
        _ => None,
    });
    let executor_of = task.map(|task| {
        quote! {
            #[automatically_derived]
            impl __flyte::ExecutorOf<#task> for #self_ty {}
        }
    });
    quote! {
        #imp

        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::RegisteredExecutor for #self_ty {
                const PATH: &'static str = #path;
            }

            #executor_of

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
