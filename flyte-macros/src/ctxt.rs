//! Collects every error found while parsing and validating one macro input, so the author
//! sees them all in one compile, each spanned at the offending token (as serde_derive does).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// The errors of one macro invocation. It must be [`check`](Self::check)ed: dropping it
/// unchecked is a bug in the macro (errors would be lost), and panics, as serde_derive's does.
pub(crate) struct Ctxt {
    errors: Option<Vec<syn::Error>>,
}

impl Default for Ctxt {
    fn default() -> Self {
        Self {
            errors: Some(Vec::new()),
        }
    }
}

impl Ctxt {
    fn errors(&mut self) -> &mut Vec<syn::Error> {
        // `check` takes the errors and consumes the context, so they are here until then.
        self.errors.get_or_insert_with(Vec::new)
    }

    /// Records an error spanned at `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.errors().push(syn::Error::new_spanned(tokens, message));
    }

    /// Records a `syn` error as it is.
    pub(crate) fn syn_error(&mut self, err: syn::Error) {
        self.errors().push(err);
    }

    /// `Ok(())` if nothing was recorded, else every error combined.
    pub(crate) fn check(mut self) -> Result<(), Vec<syn::Error>> {
        let errors = self.errors.take().unwrap_or_default();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if self.errors.is_some() && !std::thread::panicking() {
            panic!("flyte-rs-macros: a Ctxt was dropped without being checked");
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
