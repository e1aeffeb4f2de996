//! Expands the [`Var`]s into `impl TaskIo`: the names and descriptions, the interface's
//! variables, and the conversions from and to a `LiteralMap`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use super::model::Var;

pub(super) fn expand(input: &DeriveInput, vars: &[Var]) -> TokenStream {
    let ident = &input.ident;
    let names = vars.iter().map(|v| &v.name);
    let descriptions = vars.iter().map(|v| &v.doc);
    let types = vars.iter().map(|v| {
        let (name, ty) = (&v.name, &v.ty);
        quote_spanned!(ty.span()=> (#name, <#ty as __flyte::FlyteType>::literal_type()))
    });
    let reads = vars.iter().map(|v| {
        let (member, name) = (&v.member, &v.name);
        quote!(#member: __flyte::read_variable(map, #name)?)
    });
    let writes = vars.iter().map(|v| {
        let (member, name) = (&v.member, &v.name);
        quote!(map.literals.insert(#name.into(), __flyte::FlyteType::to_literal(&self.#member));)
    });
    // Each field's type must be a Flyte type: said once per field, at the field, by the where
    // clause; the body then type-checks under it and adds no error of its own.
    let mut seen = std::collections::BTreeSet::new();
    let bounds = vars
        .iter()
        .filter(|v| {
            let ty = &v.ty;
            seen.insert(quote!(#ty).to_string())
        })
        .map(|v| {
            let ty = &v.ty;
            quote_spanned!(ty.span()=> #ty: __flyte::FlyteType)
        });
    quote! {
        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::TaskIo for #ident where #(#bounds),* {
                const NAMES: &'static [&'static str] = &[#(#names),*];
                const DESCRIPTIONS: &'static [&'static str] = &[#(#descriptions),*];
                fn variables() -> __flyte::std::option::Option<__flyte::std::vec::Vec<(&'static str, __flyte::LiteralType)>> {
                    __flyte::std::option::Option::Some(__flyte::std::vec![#(#types),*])
                }
                fn from_literal_map(map: &__flyte::LiteralMap) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
                    __flyte::std::result::Result::Ok(Self { #(#reads),* })
                }
                fn to_literal_map(&self) -> __flyte::LiteralMap {
                    let mut map = __flyte::LiteralMap::default();
                    #(#writes)*
                    map
                }
            }
        };
    }
}
