//! Collects every error found while parsing and validating one macro input, so the author
//! sees them all in one compile, each spanned at the offending token (as serde_derive does).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// The errors of one macro invocation.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error spanned at `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records a `syn` error as it is.
    pub(crate) fn syn_error(&mut self, err: syn::Error) {
        self.errors.push(err);
    }

    /// `Ok(())` if nothing was recorded, else every error combined.
    pub(crate) fn check(self) -> Result<(), Vec<syn::Error>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// All errors as `compile_error!` invocations.
pub(crate) fn to_compile_errors(errors: Vec<syn::Error>) -> TokenStream {
    errors.iter().map(syn::Error::to_compile_error).collect()
}

/// Parses every `#[flyte(key = value, ...)]` among `attrs`. `on_key` handles one key and
/// returns `Ok(false)` for a key it does not know, which is reported as an unknown `what`
/// with a suggestion from `known`. Errors go to `cx`.
pub(crate) fn parse_flyte_attrs(
    cx: &mut Ctxt,
    attrs: &[syn::Attribute],
    what: &str,
    known: &[&str],
    mut on_key: impl FnMut(&str, &syn::meta::ParseNestedMeta) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("flyte")) {
        let res = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if on_key(&key, &meta)? {
                Ok(())
            } else {
                Err(meta.error(crate::suggest::unknown_key_message(what, &key, known)))
            }
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
}
