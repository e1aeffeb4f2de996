//! The validated shape of a `#[derive(FlyteType)]` input.

/// What is being derived for.
pub(super) enum Model {
    Struct(StructModel),
    Enum(EnumModel),
}

pub(super) struct StructModel {
    pub ident: syn::Ident,
    pub fields: Vec<FieldModel>,
}

pub(super) struct FieldModel {
    pub member: syn::Ident,
    /// The name in msgpack and the schema (the field's name unless renamed).
    pub name: String,
    pub ty: syn::Type,
    pub default: Option<syn::Expr>,
    /// The field's doc comment (empty when it has none): its description in the schema.
    pub doc: String,
}

pub(super) struct EnumModel {
    pub ident: syn::Ident,
    /// Each variant with its string value.
    pub variants: Vec<(syn::Ident, String)>,
}
