//! Collects every error found while parsing and validating one macro input, so the author
//! sees them all in one compile, each spanned at the offending token (as serde_derive does).
//!
//! Every macro runs the same phases, one module each under `src/<macro>/`, with one [`Ctxt`]
//! for the whole invocation: `parse` (the input into the model, refusing what has no model),
//! `model` (the types the other phases share), `validate` (the model's rules), then
//! [`Ctxt::finish`] and `expand` (or, for the attribute macros, `fallback` beside the
//! errors).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// The errors of one macro invocation. It must be [`check`](Self::check)ed (or
/// [`finish`](Self::finish)ed, or [`refused`](Self::refused)): dropping it unchecked is a bug
/// in the macro (errors would be lost), and panics, as serde_derive's does.
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
        // `take` takes the errors and consumes the context, so they are here until then.
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

    /// Every error recorded, the context checked.
    fn take(mut self) -> Vec<syn::Error> {
        self.errors.take().unwrap_or_default()
    }

    /// `Ok(())` if nothing was recorded, else every error combined.
    pub(crate) fn check(self) -> Result<(), Vec<syn::Error>> {
        let errors = self.take();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The end of the phases: the model when nothing was recorded, else every error.
    pub(crate) fn finish<T>(self, model: Option<T>) -> Result<T, Vec<syn::Error>> {
        match model {
            Some(model) => self.check().map(|()| model),
            None => Err(self.refused()),
        }
    }

    /// The phases gave no model: every error recorded. A phase that gives none records why;
    /// when none did, that is a bug in the macro, reported as an error rather than expanding
    /// to nothing.
    pub(crate) fn refused(mut self) -> Vec<syn::Error> {
        if self.errors().is_empty() {
            self.syn_error(syn::Error::new(
                proc_macro2::Span::call_site(),
                "flyte-rs-macros: the input was refused without an error (a bug in the macro; please report it)",
            ));
        }
        self.take()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// No outcome without an error: a model is refused only with the reason, and a phase that
    /// gave no model without recording why is reported as the macro's bug.
    #[test]
    fn no_model_means_an_error() {
        assert_eq!(Ctxt::default().finish(Some(1)).ok(), Some(1));
        let mut cx = Ctxt::default();
        cx.error_spanned_by(quote::quote!(x), "bad");
        let errors = cx.finish(Some(1)).unwrap_err();
        assert_eq!(errors.len(), 1);
        let mut cx = Ctxt::default();
        cx.error_spanned_by(quote::quote!(x), "bad");
        assert_eq!(cx.finish::<()>(None).unwrap_err()[0].to_string(), "bad");
        let errors = Ctxt::default().refused();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("a bug in the macro"));
    }
}
