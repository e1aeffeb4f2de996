//! Parses a `#[derive(FlyteType)]` input into a [`Model`], refusing what has no model
//! (generics, a union, unnamed fields, a variant with data) and reporting unknown or
//! malformed `#[flyte(...)]` keys; the model's own rules are `validate`'s.

use syn::{Data, DeriveInput, Fields, LitStr};

use super::model::{EnumModel, FieldModel, Model, StructModel};
use crate::ctxt::{parse_flyte_attrs, Ctxt};
use crate::docs::doc_of;
use crate::rename::RenameRule;

const ENUM_KEYS: &[&str] = &["rename_all"];
const VARIANT_KEYS: &[&str] = &["value"];
const FIELD_KEYS: &[&str] = &["default", "rename"];

/// The model of `input`; `None` (with the reason recorded) when it has none.
pub(super) fn parse(cx: &mut Ctxt, input: &DeriveInput) -> Option<Model> {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(FlyteType)] does not support generic types: a Flyte type has one fixed schema",
        );
    }
    match &input.data {
        Data::Struct(data) => parse_struct(cx, input, &data.fields).map(Model::Struct),
        Data::Enum(data) => Some(Model::Enum(parse_enum(cx, input, data))),
        Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "#[derive(FlyteType)] works on structs and unit-only enums, not unions",
            );
            None
        }
    }
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
        variants.push((v.ident.clone(), value));
    }
    EnumModel {
        ident: input.ident.clone(),
        variants,
    }
}
