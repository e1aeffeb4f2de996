//! Expands a [`TaskModel`] into the user's struct, unchanged, plus an `impl ContainerTask`,
//! compile-time checks (the executor runs this task type; no output is named like an
//! input) and the task type's registration, all inside `const _: () = { … };`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use super::config_fields::{ConfigModel, FieldDefault};
use super::model::TaskModel;

/// The registered description of the task type: its configuration's fields (types through
/// the probe, so that a field type that does not describe itself is `Any`, not an error),
/// and what the `ContainerTask` impl says.
fn describe(ident: &syn::Ident, config: &ConfigModel) -> TokenStream {
    let doc = &config.doc;
    let opaque = match &config.opaque {
        Some(why) => quote!(::core::option::Option::Some(#why)),
        None => quote!(::core::option::Option::None),
    };
    let fields = config.fields.iter().map(|f| {
        let (field, key, doc, ty, skip) = (&f.ident, &f.key, &f.doc, &f.ty, f.skip_if_none);
        let name = field.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        let default = match &f.default {
            FieldDefault::Required => quote!(::core::option::Option::None),
            FieldDefault::TypeDefault => quote!(__flyte::default_json::<#ty>()),
            FieldDefault::Function(path) => quote!(__flyte::json_of(&#path())),
            FieldDefault::StructDefault => {
                quote!(__flyte::json_of(&<#ident as ::core::default::Default>::default().#field))
            }
        };
        quote! {
            __flyte::ConfigField {
                name: #name,
                key: #key,
                doc: #doc,
                ty: (&&__flyte::ConfigTypeProbe::<#ty>::new()).config_type(),
                default: #default,
                skip_if_none: #skip,
            }
        }
    });
    quote! {
        fn __flyte_describe() -> __flyte::TaskTypeInfo {
            use __flyte::{Described as _, Undescribed as _};
            __flyte::task_type_info::<#ident>(__flyte::ConfigSchema {
                doc: #doc,
                fields: __flyte::std::vec![#(#fields),*],
                opaque: #opaque,
            })
        }
    }
}

pub(super) fn expand(input: &DeriveInput, m: &TaskModel) -> TokenStream {
    let ident = &input.ident;
    let (task_type, image, executor) = (&m.task_type, &m.image, &m.executor);
    let entrypoint = match &m.entrypoint {
        Some(e) => quote!(#e),
        None => quote!(::core::env!("CARGO_PKG_NAME")),
    };
    let resolver = m
        .resolver
        .as_ref()
        .map(|r| quote!(const RESOLVER: &'static str = #r;));
    let version = m
        .task_type_version
        .map(|v| quote!(const TASK_TYPE_VERSION: i32 = #v;));
    let deck = m
        .enable_deck
        .map(|on| quote!(const ENABLE_DECK: bool = #on;));
    let io = |t: &Option<syn::Type>| match t {
        Some(t) => quote_spanned!(t.span()=> #t),
        None => quote!(__flyte::Literals),
    };
    let (inputs, outputs) = (io(&m.inputs), io(&m.outputs));
    let custom = m.custom_with.as_ref().map(|with| {
        quote! {
            fn get_custom(&self) -> __flyte::std::result::Result<__flyte::Struct, __flyte::CustomError> {
                #with::to_custom(self)
            }
            fn from_custom(custom: &__flyte::Struct) -> __flyte::std::result::Result<Self, __flyte::CustomError> {
                #with::from_custom(custom)
            }
        }
    });
    let validate = m.validate_with.as_ref().map(|with| {
        quote_spanned! {with.span()=>
            fn validate(&self, interface: &__flyte::TypedInterface) -> __flyte::std::result::Result<(), __flyte::std::string::String> {
                #with(self, interface)
            }
        }
    });
    let overlap_span = m
        .outputs
        .as_ref()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span());
    let no_overlap = quote_spanned! {overlap_span=>
        const _: () = {
            const OVERLAP: __flyte::ConstMessage = __flyte::overlap_message(
                #task_type,
                <#inputs as __flyte::TaskIo>::NAMES,
                <#outputs as __flyte::TaskIo>::NAMES,
            );
            if !OVERLAP.is_empty() {
                ::core::panic!("{}", OVERLAP.as_str());
            }
        };
    };
    let describe = describe(ident, &m.config);
    quote! {
        #input

        const _: () = {
            use ::flyte_runtime::__private as __flyte;

            #[automatically_derived]
            impl __flyte::ContainerTask for #ident {
                const TASK_TYPE: &'static str = #task_type;
                const IMAGE: &'static str = #image;
                const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
                const ENTRYPOINT: &'static str = #entrypoint;
                #resolver
                #version
                #deck
                type Inputs = #inputs;
                type Outputs = #outputs;
                type Executor = #executor;
                #custom
                #validate
            }

            #no_overlap

            #describe

            __flyte::inventory::submit! {
                __flyte::TaskTypeEntry {
                    task_type: #task_type,
                    rust_type: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                    config_type: ::core::any::TypeId::of::<#ident>,
                    executor_path: __flyte::executor_path::<#ident>(),
                    image: <#ident as __flyte::ContainerTask>::image,
                    describe: __flyte_describe,
                }
            }
        };
    }
}
