//! Parses a `#[derive(TaskIo)]` struct into its [`Var`]s, reporting every problem at its
//! token: not a struct, unnamed fields, generics, unknown attributes. (A name used twice is
//! `validate`'s.)

use syn::{Data, DeriveInput, Fields, LitStr};

use super::model::Var;
use crate::ctxt::{parse_flyte_attrs, Ctxt};
use crate::docs::doc_of;

/// The variables of `input`, one per named field; the problems go to `cx`.
pub(super) fn parse(cx: &mut Ctxt, input: &DeriveInput) -> Vec<Var> {
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
    let mut vars = Vec::new();
    for f in fields {
        let Some(member) = f.ident.clone() else {
            continue;
        };
        let mut name = member.to_string();
        parse_flyte_attrs(cx, &f.attrs, "field attribute", &["rename"], |key, meta| {
            if key != "rename" {
                return Ok(false);
            }
            name = meta.value()?.parse::<LitStr>()?.value();
            Ok(true)
        });
        vars.push(Var {
            member,
            name,
            ty: f.ty.clone(),
            doc: doc_of(&f.attrs),
        });
    }
    vars
}
