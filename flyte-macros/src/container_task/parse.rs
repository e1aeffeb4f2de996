//! Parses `#[container_task(key = value, ...)]` and the struct it is on into a
//! [`TaskModel`], reporting every problem at its token in one compile: unknown keys (with a
//! suggestion), keys given twice, values of the wrong kind, empty strings, missing keys,
//! enums, unions and generics. Every key is read, even after a bad one (syn's nested-meta
//! parser stops at the first error); on errors, what did parse is kept for the fallback impl.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::{Data, DeriveInput, LitInt, LitStr, Token};

use super::config_fields::config_model;
use super::model::TaskModel;
use crate::ctxt::Ctxt;
use crate::suggest::{closest, unknown_key_message};

const KEYS: &[&str] = &[
    "task_type",
    "image",
    "executor",
    "entrypoint",
    "resolver",
    "task_type_version",
    "inputs",
    "outputs",
    "custom_with",
    "validate_with",
];

/// What the attribute said, key by key, as far as it parsed.
#[derive(Default)]
pub(super) struct Raw {
    task_type: Option<String>,
    image: Option<String>,
    pub executor: Option<syn::Type>,
    entrypoint: Option<String>,
    resolver: Option<String>,
    task_type_version: Option<i32>,
    pub inputs: Option<syn::Type>,
    pub outputs: Option<syn::Type>,
    custom_with: Option<syn::Path>,
    validate_with: Option<syn::Path>,
}

/// The parse failed: every error, and what parsed (for a fallback impl).
pub(super) struct Failed {
    pub errors: Vec<syn::Error>,
    pub raw: Box<Raw>,
}

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

/// Reads the keys into `raw`; returns the keys given (known or not) and whether the list
/// itself parsed.
fn read_keys(cx: &mut Ctxt, args: TokenStream, raw: &mut Raw) -> (Vec<String>, bool) {
    let entries = match entries.parse2(args) {
        Ok(e) => e,
        Err(e) => {
            cx.syn_error(e);
            return (Vec::new(), false);
        }
    };
    let mut given: Vec<String> = Vec::new();
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
            _ => raw.task_type_version = int_of(cx, value),
        }
    }
    (given, true)
}

pub(super) fn parse(args: TokenStream, input: &DeriveInput) -> Result<TaskModel, Failed> {
    let mut cx = Ctxt::default();
    let mut raw = Raw::default();
    let (given, parsed_all) = read_keys(&mut cx, args, &mut raw);

    match &input.data {
        Data::Struct(_) => {}
        Data::Enum(e) => cx.error_spanned_by(
            e.enum_token,
            "#[container_task] goes on a struct: its fields are the task type's configuration",
        ),
        Data::Union(u) => cx.error_spanned_by(
            u.union_token,
            "#[container_task] goes on a struct: its fields are the task type's configuration",
        ),
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "a task type cannot be generic: the template must name one concrete configuration",
        );
    }
    for (key, example) in [
        ("task_type", "task_type = \"...\""),
        ("image", "image = \"registry/name:tag\""),
        ("executor", "executor = YourExecutor"),
    ] {
        // A key given with a bad value was reported above; a misspelt one whose suggestion
        // is this key was too (one error per mistake).
        let misspelt = given
            .iter()
            .any(|g| !KEYS.contains(&g.as_str()) && closest(g, KEYS) == Some(key));
        if parsed_all && !misspelt && !given.iter().any(|k| k == key) {
            cx.syn_error(syn::Error::new(
                Span::call_site(),
                format!("#[container_task] is missing `{example}`"),
            ));
        }
    }
    if let Err(errors) = cx.check() {
        return Err(Failed {
            errors,
            raw: Box::new(raw),
        });
    }
    match (raw.task_type, raw.image, raw.executor) {
        (Some(task_type), Some(image), Some(executor)) => Ok(TaskModel {
            config: config_model(input, raw.custom_with.is_some()),
            task_type,
            image,
            executor,
            entrypoint: raw.entrypoint,
            resolver: raw.resolver,
            task_type_version: raw.task_type_version,
            inputs: raw.inputs,
            outputs: raw.outputs,
            custom_with: raw.custom_with,
            validate_with: raw.validate_with,
        }),
        // check() passed, so the three required keys were read above.
        _ => Err(Failed {
            errors: Vec::new(),
            raw: Box::default(),
        }),
    }
}
