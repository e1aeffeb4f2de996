//! Parses and validates a `#[derive(FlyteType)]` input into a [`Model`], collecting every
//! problem (generics, non-unit variants, unknown attribute keys, duplicate values) at once.

use std::collections::HashMap;

use syn::{Data, DeriveInput, Fields, LitStr};

use super::model::{EnumModel, FieldModel, Model, StructModel};
use crate::ctxt::{parse_flyte_attrs, Ctxt};
use crate::docs::doc_of;
use crate::rename::RenameRule;

const ENUM_KEYS: &[&str] = &["rename_all"];
const VARIANT_KEYS: &[&str] = &["value"];
const FIELD_KEYS: &[&str] = &["default", "rename"];

pub(super) fn parse(input: &DeriveInput) -> Result<Model, Vec<syn::Error>> {
    let mut cx = Ctxt::default();
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(FlyteType)] does not support generic types: a Flyte type has one fixed schema",
        );
    }
    let model = match &input.data {
        Data::Struct(data) => parse_struct(&mut cx, input, &data.fields).map(Model::Struct),
        Data::Enum(data) => Some(Model::Enum(parse_enum(&mut cx, input, data))),
        Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "#[derive(FlyteType)] works on structs and unit-only enums, not unions",
            );
            None
        }
    };
    cx.check()?;
    // check() returned Ok, so every branch that yields None also recorded an error.
    model.ok_or_else(Vec::new)
}

fn parse_struct(cx: &mut Ctxt, input: &DeriveInput, fields: &Fields) -> Option<StructModel> {
    let named = match fields {
        Fields::Named(named) => named,
        _ => {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(FlyteType)] needs a struct with named fields: they become the dataclass's fields",
            );
            return None;
        }
    };
    let mut seen: HashMap<String, syn::Ident> = HashMap::new();
    let mut out = Vec::new();
    for field in &named.named {
        // Named fields always have an ident.
        let Some(member) = field.ident.clone() else {
            continue;
        };
        let mut name = member.to_string();
        let mut default = None;
        parse_flyte_attrs(
            cx,
            &field.attrs,
            "field attribute",
            FIELD_KEYS,
            |key, meta| {
                match key {
                    "default" => default = Some(meta.value()?.parse::<syn::Expr>()?),
                    "rename" => name = meta.value()?.parse::<LitStr>()?.value(),
                    _ => return Ok(false),
                }
                Ok(true)
            },
        );
        if let Some(first) = seen.get(&name) {
            cx.error_spanned_by(
                &member,
                format!("field name `{name}` is already used by `{first}`"),
            );
        }
        seen.insert(name.clone(), member.clone());
        out.push(FieldModel {
            member,
            name,
            ty: field.ty.clone(),
            default,
            doc: doc_of(&field.attrs),
        });
    }
    Some(StructModel {
        ident: input.ident.clone(),
        fields: out,
    })
}

fn parse_enum(cx: &mut Ctxt, input: &DeriveInput, data: &syn::DataEnum) -> EnumModel {
    let mut rule: Option<RenameRule> = None;
    parse_flyte_attrs(
        cx,
        &input.attrs,
        "enum attribute",
        ENUM_KEYS,
        |key, meta| {
            if key != "rename_all" {
                return Ok(false);
            }
            let lit = meta.value()?.parse::<LitStr>()?;
            rule = Some(RenameRule::from_name(&lit.value()).ok_or_else(|| {
                syn::Error::new_spanned(
                    &lit,
                    format!(
                        "unknown rename rule {:?} (expected one of: {})",
                        lit.value(),
                        RenameRule::names()
                    ),
                )
            })?);
            Ok(true)
        },
    );
    if data.variants.is_empty() {
        cx.error_spanned_by(&input.ident, "a Flyte enum needs at least one variant");
    }
    let mut seen: HashMap<String, syn::Ident> = HashMap::new();
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                "a Flyte enum's variants carry no data: Flyte enums are string values",
            );
        }
        let ident = v.ident.to_string();
        let mut value = rule.map_or_else(|| ident.clone(), |r| r.apply_to_variant(&ident));
        parse_flyte_attrs(
            cx,
            &v.attrs,
            "variant attribute",
            VARIANT_KEYS,
            |key, meta| {
                if key != "value" {
                    return Ok(false);
                }
                value = meta.value()?.parse::<LitStr>()?.value();
                Ok(true)
            },
        );
        if let Some(first) = seen.get(&value) {
            cx.error_spanned_by(
                &v.ident,
                format!("value {value:?} is already used by variant `{first}`"),
            );
        }
        seen.insert(value.clone(), v.ident.clone());
        variants.push((v.ident.clone(), value));
    }
    EnumModel {
        ident: input.ident.clone(),
        variants,
    }
}
