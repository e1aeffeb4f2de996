//! The rule of parsed [`Var`]s: each variable is declared once.

use std::collections::HashMap;

use super::model::Var;
use crate::ctxt::Ctxt;

pub(super) fn validate(cx: &mut Ctxt, vars: &[Var]) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for v in vars {
        if let Some(first) = seen.insert(&v.name, &v.member) {
            cx.error_spanned_by(
                &v.member,
                format!(
                    "variable `{}` is declared twice (also by field `{first}`)",
                    v.name
                ),
            );
        }
    }
}
