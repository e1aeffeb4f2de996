//! The variables of a `#[derive(TaskIo)]` struct: one per field, named by the field or by
//! `#[flyte(rename = "...")]`, described by the field's doc comment.

pub(super) struct Var {
    pub(super) member: syn::Ident,
    pub(super) name: String,
    pub(super) ty: syn::Type,
    /// The field's doc comment (empty when it has none): the variable's description.
    pub(super) doc: String,
}
