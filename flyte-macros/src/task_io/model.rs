//! The variables of a `#[derive(TaskIo)]` struct: one per field, named by the field or by
//! `#[flyte(rename = "...")]`.

pub(super) struct Var {
    pub(super) member: syn::Ident,
    pub(super) name: String,
    pub(super) ty: syn::Type,
}
