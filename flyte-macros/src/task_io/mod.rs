//! `#[derive(TaskIo)]`: a struct whose fields are a task's inputs (or outputs).

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::{parse_flyte_attrs, Ctxt};

struct Var {
    member: syn::Ident,
    name: String,
    ty: syn::Type,
}

fn parse(input: &DeriveInput) -> Result<Vec<Var>, Vec<syn::Error>> {
    let mut cx = Ctxt::default();
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(_) => {
                cx.error_spanned_by(
                    &input.ident,
                    "#[derive(TaskIo)] needs named fields: they are the variable names",
                );
                Vec::new()
            }
        },
        _ => {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(TaskIo)] goes on a struct: one field per variable",
            );
            Vec::new()
        }
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(TaskIo)] does not support generic structs",
        );
    }
    let mut seen: HashMap<String, syn::Ident> = HashMap::new();
    let mut vars = Vec::new();
    for f in fields {
        let Some(member) = f.ident.clone() else {
            continue;
        };
        let mut name = member.to_string();
        parse_flyte_attrs(
            &mut cx,
            &f.attrs,
            "field attribute",
            &["rename"],
            |key, meta| {
                if key != "rename" {
                    return Ok(false);
                }
                name = meta.value()?.parse::<LitStr>()?.value();
                Ok(true)
            },
        );
        if let Some(first) = seen.get(&name) {
            cx.error_spanned_by(
                &member,
                format!("variable `{name}` is declared twice (also by field `{first}`)"),
            );
        }
        seen.insert(name.clone(), member.clone());
        vars.push(Var {
            member,
            name,
            ty: f.ty.clone(),
        });
    }
    cx.check()?;
    Ok(vars)
}

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let vars = parse(input)?;
    let ident = &input.ident;
    let names = vars.iter().map(|v| &v.name);
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
    Ok(quote! {
        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::TaskIo for #ident {
                const NAMES: &'static [&'static str] = &[#(#names),*];
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
    })
}
