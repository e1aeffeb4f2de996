//! Expands a validated [`Model`] into a `FlyteType` impl (and `FlyteEnum` for enums) that
//! calls `flyte_runtime::__private`, wrapped in `const _: () = { … };`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::model::{EnumModel, Model, StructModel};

pub(super) fn expand(model: &Model) -> TokenStream {
    match model {
        Model::Struct(s) => expand_struct(s),
        Model::Enum(e) => expand_enum(e),
    }
}

fn expand_struct(s: &StructModel) -> TokenStream {
    let ident = &s.ident;
    let title = ident.to_string();
    let infos = s.fields.iter().map(|f| {
        let (name, ty) = (&f.name, &f.ty);
        // Spanned at the field's type, so a type that is not FlyteType is reported there.
        let info = match &f.default {
            Some(d) => {
                quote_spanned!(ty.span()=> __flyte::FieldInfo::with_default::<#ty>(#name, &(#d)))
            }
            None => quote_spanned!(ty.span()=> __flyte::FieldInfo::of::<#ty>(#name)),
        };
        // A documented field is described in the schema; an undocumented one is not.
        match f.doc.as_str() {
            "" => info,
            doc => quote!(#info.described(#doc)),
        }
    });
    let to_msgpack = s.fields.iter().map(|f| {
        let (name, ty, member) = (&f.name, &f.ty, &f.member);
        quote!((#name, <#ty as __flyte::FlyteType>::to_msgpack(&self.#member)))
    });
    let from_msgpack = s.fields.iter().map(|f| {
        let (name, member) = (&f.name, &f.member);
        match &f.default {
            Some(d) => quote!(#member: __flyte::read_field_or(entries, #name, || #d)?),
            None => quote!(#member: __flyte::read_field(entries, #name)?),
        }
    });
    let expected = format!("STRUCT {title}");
    quote! {
        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            fn fields() -> __flyte::std::vec::Vec<__flyte::FieldInfo> {
                __flyte::std::vec![#(#infos),*]
            }

            #[automatically_derived]
            impl __flyte::FlyteType for #ident {
                fn literal_type() -> __flyte::LiteralType {
                    __flyte::struct_literal_type(#title, &fields())
                }
                fn type_tag() -> &'static str {
                    "Object-Dataclass-Transformer"
                }
                fn to_literal(&self) -> __flyte::Literal {
                    __flyte::msgpack_literal(&__flyte::FlyteType::to_msgpack(self))
                }
                fn from_literal(literal: &__flyte::Literal) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
                    __flyte::FlyteType::from_msgpack(&__flyte::struct_payload(literal, #expected)?)
                }
                fn to_msgpack(&self) -> __flyte::rmpv::Value {
                    __flyte::struct_value(__flyte::std::vec![#(#to_msgpack),*])
                }
                fn from_msgpack(value: &__flyte::rmpv::Value) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
                    let entries = __flyte::struct_entries(value, #title)?;
                    __flyte::std::result::Result::Ok(Self { #(#from_msgpack),* })
                }
                fn json_schema() -> __flyte::serde_json::Value {
                    __flyte::struct_schema(#title, &fields())
                }
            }
        };
    }
}

fn expand_enum(e: &EnumModel) -> TokenStream {
    let ident = &e.ident;
    let name = ident.to_string();
    let values: Vec<&String> = e.variants.iter().map(|(_, v)| v).collect();
    let to_value = e.variants.iter().map(|(v, s)| quote!(Self::#v => #s));
    let from_value = e
        .variants
        .iter()
        .map(|(v, s)| quote!(#s => __flyte::std::option::Option::Some(Self::#v)));
    quote! {
        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::FlyteEnum for #ident {
                const NAME: &'static str = #name;
                const VALUES: &'static [&'static str] = &[#(#values),*];
                fn value(&self) -> &'static str {
                    match self { #(#to_value),* }
                }
                fn from_value(value: &str) -> __flyte::std::option::Option<Self> {
                    match value {
                        #(#from_value,)*
                        _ => __flyte::std::option::Option::None,
                    }
                }
            }

            #[automatically_derived]
            impl __flyte::FlyteType for #ident {
                fn literal_type() -> __flyte::LiteralType {
                    __flyte::enum_literal_type::<Self>()
                }
                fn type_tag() -> &'static str {
                    __flyte::ENUM_TAG
                }
                fn to_literal(&self) -> __flyte::Literal {
                    __flyte::enum_to_literal(self)
                }
                fn from_literal(literal: &__flyte::Literal) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
                    __flyte::enum_from_literal(literal)
                }
                fn to_msgpack(&self) -> __flyte::rmpv::Value {
                    __flyte::rmpv::Value::from(__flyte::FlyteEnum::value(self))
                }
                fn from_msgpack(value: &__flyte::rmpv::Value) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
                    __flyte::enum_from_msgpack(value)
                }
                fn json_schema() -> __flyte::serde_json::Value {
                    __flyte::enum_schema::<Self>()
                }
            }
        };
    }
}
