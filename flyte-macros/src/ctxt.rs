//! Collects every error found while parsing and validating one macro input, so the author
//! sees them all in one compile, each spanned at the offending token (as serde_derive does).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// The errors of one macro invocation.
#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error spanned at `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records a `syn` error as it is.
    pub fn syn_error(&mut self, err: syn::Error) {
        self.errors.push(err);
    }

    /// `Ok(())` if nothing was recorded, else every error combined.
    pub fn check(self) -> Result<(), Vec<syn::Error>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// All errors as `compile_error!` invocations.
pub fn to_compile_errors(errors: Vec<syn::Error>) -> TokenStream {
    errors.iter().map(syn::Error::to_compile_error).collect()
}
