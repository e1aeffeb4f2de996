//! Expands a checked executor impl: the impl itself (its `execute_from_model` made async),
//! `impl RegisteredExecutor` with the stable path, and the inventory registration.

use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn expand(imp: &syn::ItemImpl, path: Option<TokenStream>) -> TokenStream {
    let self_ty = &imp.self_ty;
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
