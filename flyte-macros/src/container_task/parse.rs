//! Parses `#[container_task(key = value, ...)]` into a [`Raw`], reporting every problem of
//! the attribute at its token in one compile: unknown keys (with a suggestion), keys given
//! twice, values of the wrong kind, empty strings. Every key is read, even after a bad one
//! (syn's nested-meta parser stops at the first error); what did parse is kept, for the model
//! and, on errors, for the fallback impl. The struct's shape and the missing keys are
//! `validate`'s.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::{DeriveInput, LitInt, LitStr, Token};

use super::model::{Raw, KEYS};
use crate::ctxt::Ctxt;
use crate::suggest::unknown_key_message;

/// One `key = value` (or a bare `key`) of the attribute; the value is kept as tokens and
/// parsed by what its key takes (a type such as `Wrapper<A, B>` is not an expression).
struct Entry {
    key: syn::Path,
    value: Option<TokenStream>,
}

/// Splits the attribute into entries at top-level commas (commas inside `<…>` belong to a
/// generic type).
fn entries(input: syn::parse::ParseStream<'_>) -> syn::Result<Vec<Entry>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let key: syn::Path = input.parse()?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let mut tokens = TokenStream::new();
            let mut depth = 0usize;
            loop {
                let at_comma = depth == 0 && input.peek(Token![,]);
                if input.is_empty() || at_comma {
                    break;
                }
                let tt: proc_macro2::TokenTree = input.parse()?;
                if let proc_macro2::TokenTree::Punct(p) = &tt {
                    match p.as_char() {
                        '<' => depth += 1,
                        '>' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                tokens.extend([tt]);
            }
            if tokens.is_empty() {
                return Err(input.error(format!(
                    "`{}` needs a value after `=`",
                    key.to_token_stream()
                )));
            }
            Some(tokens)
        } else {
            None
        };
        out.push(Entry { key, value });
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(out)
}

fn string(cx: &mut Ctxt, key: &str, value: &TokenStream) -> Option<String> {
    match syn::parse2::<LitStr>(value.clone()) {
        Ok(lit) => {
            let v = lit.value();
            if v.trim().is_empty() {
                cx.error_spanned_by(&lit, format!("`{key}` must not be empty"));
                None
            } else {
                Some(v)
            }
        }
        Err(_) => {
            cx.error_spanned_by(
                value,
                format!("`{key}` takes a string literal, e.g. {key} = \"...\""),
            );
            None
        }
    }
}

fn type_of(cx: &mut Ctxt, key: &str, value: &TokenStream) -> Option<syn::Type> {
    if let Ok(lit) = syn::parse2::<LitStr>(value.clone()) {
        cx.error_spanned_by(
            lit,
            format!("`{key}` takes a type, not a string: {key} = MyType"),
        );
        return None;
    }
    match syn::parse2::<syn::Type>(value.clone()) {
        Ok(t) => Some(t),
        Err(_) => {
            cx.error_spanned_by(value, format!("`{key}` takes a type: {key} = MyType"));
            None
        }
    }
}

fn path_of(cx: &mut Ctxt, value: &TokenStream, message: &str) -> Option<syn::Path> {
    match syn::parse2::<syn::Path>(value.clone()) {
        Ok(p) => Some(p),
        Err(_) => {
            cx.error_spanned_by(value, message);
            None
        }
    }
}

fn int_of(cx: &mut Ctxt, value: &TokenStream) -> Option<i32> {
    match syn::parse2::<LitInt>(value.clone()) {
        Ok(lit) => match lit.base10_parse::<i32>() {
            Ok(v) => Some(v),
            Err(e) => {
                cx.syn_error(e);
                None
            }
        },
        Err(_) => {
            cx.error_spanned_by(
                value,
                "`task_type_version` takes an integer, e.g. task_type_version = 1",
            );
            None
        }
    }
}

fn bool_of(cx: &mut Ctxt, value: &TokenStream) -> Option<bool> {
    match syn::parse2::<syn::LitBool>(value.clone()) {
        Ok(lit) => Some(lit.value),
        Err(_) => {
            cx.error_spanned_by(value, "`enable_deck` takes `true` or `false`");
            None
        }
    }
}

/// Reads the keys into `raw`, with the keys given (known or not) and whether the list itself
/// parsed.
fn read_keys(cx: &mut Ctxt, args: TokenStream, raw: &mut Raw) {
    let entries = match entries.parse2(args) {
        Ok(e) => e,
        Err(e) => {
            cx.syn_error(e);
            return;
        }
    };
    raw.parsed_all = true;
    let given = &mut raw.given;
    for Entry { key: path, value } in entries {
        let key = path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_else(|| path.to_token_stream().to_string());
        if given.contains(&key) {
            cx.error_spanned_by(&path, format!("`{key}` is given twice; keep one"));
            continue;
        }
        given.push(key.clone());
        if !KEYS.contains(&key.as_str()) {
            cx.error_spanned_by(&path, unknown_key_message("key", &key, KEYS));
            continue;
        }
        let Some(value) = value else {
            cx.error_spanned_by(&path, format!("`{key}` takes a value: {key} = ..."));
            continue;
        };
        let value = &value;
        match key.as_str() {
            "task_type" => raw.task_type = string(cx, &key, value),
            "image" => raw.image = string(cx, &key, value),
            "entrypoint" => raw.entrypoint = string(cx, &key, value),
            "resolver" => raw.resolver = string(cx, &key, value),
            "executor" => raw.executor = type_of(cx, &key, value),
            "inputs" => raw.inputs = type_of(cx, &key, value),
            "outputs" => raw.outputs = type_of(cx, &key, value),
            "custom_with" => {
                raw.custom_with = path_of(
                    cx,
                    value,
                    "`custom_with` takes the path of a module with `to_custom` and `from_custom`",
                )
            }
            "validate_with" => {
                raw.validate_with = path_of(
                    cx,
                    value,
                    "`validate_with` takes the path of a function `fn(&Self, &TypedInterface) -> Result<(), String>`",
                )
            }
            "enable_deck" => raw.enable_deck = bool_of(cx, value),
            _ => raw.task_type_version = int_of(cx, value),
        }
    }
}

/// The item the attribute is on; `None` (the error recorded) when it is not a type
/// definition.
pub(super) fn item(cx: &mut Ctxt, item: &TokenStream) -> Option<DeriveInput> {
    match syn::parse2::<DeriveInput>(item.clone()) {
        Ok(input) => Some(input),
        Err(e) => {
            cx.syn_error(e);
            None
        }
    }
}

/// What the attribute's keys say, as far as they parse.
pub(super) fn parse(cx: &mut Ctxt, args: TokenStream) -> Raw {
    let mut raw = Raw::default();
    read_keys(cx, args, &mut raw);
    raw
}
