//! Parses `#[container_task(key = value, ...)]` and the struct it is on into a
//! [`TaskModel`], reporting every problem at its token: missing or unknown keys (with a
//! suggestion), values of the wrong kind, empty strings, enums, unions and generics.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::{Data, DeriveInput, LitInt, LitStr};

use super::model::TaskModel;
use crate::ctxt::Ctxt;
use crate::suggest::unknown_key_message;

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

#[derive(Default)]
struct Raw {
    task_type: Option<String>,
    image: Option<String>,
    executor: Option<syn::Type>,
    entrypoint: Option<String>,
    resolver: Option<String>,
    task_type_version: Option<i32>,
    inputs: Option<syn::Type>,
    outputs: Option<syn::Type>,
    custom_with: Option<syn::Path>,
    validate_with: Option<syn::Path>,
}

fn non_empty(cx: &mut Ctxt, key: &str, lit: LitStr) -> Option<String> {
    let v = lit.value();
    if v.trim().is_empty() {
        cx.error_spanned_by(&lit, format!("`{key}` must not be empty"));
        None
    } else {
        Some(v)
    }
}

fn string_value(meta: &syn::meta::ParseNestedMeta, key: &str) -> syn::Result<LitStr> {
    let value = meta.value()?;
    value.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a string literal, e.g. {key} = \"...\""),
        )
    })
}

fn type_value(meta: &syn::meta::ParseNestedMeta, key: &str) -> syn::Result<syn::Type> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        return Err(value.error(format!(
            "`{key}` takes a type, not a string: {key} = MyType"
        )));
    }
    value.parse::<syn::Type>()
}

pub fn parse(args: TokenStream, input: &DeriveInput) -> Result<TaskModel, Vec<syn::Error>> {
    let mut cx = Ctxt::default();
    let mut raw = Raw::default();
    let mut deferred: Vec<(String, LitStr)> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "task_type" | "image" | "entrypoint" | "resolver" => {
                deferred.push((key.clone(), string_value(&meta, &key)?));
            }
            "executor" => raw.executor = Some(type_value(&meta, &key)?),
            "inputs" => raw.inputs = Some(type_value(&meta, &key)?),
            "outputs" => raw.outputs = Some(type_value(&meta, &key)?),
            "custom_with" => {
                let value = meta.value()?;
                raw.custom_with = Some(value.parse::<syn::Path>().map_err(|e| {
                    syn::Error::new(e.span(), "`custom_with` takes the path of a module with `to_custom` and `from_custom`")
                })?);
            }
            "validate_with" => {
                let value = meta.value()?;
                raw.validate_with = Some(value.parse::<syn::Path>().map_err(|e| {
                    syn::Error::new(e.span(), "`validate_with` takes the path of a function `fn(&Self, &TypedInterface) -> Result<(), String>`")
                })?);
            }
            "task_type_version" => {
                let lit = meta.value()?.parse::<LitInt>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "`task_type_version` takes an integer, e.g. task_type_version = 1",
                    )
                })?;
                raw.task_type_version = Some(lit.base10_parse::<i32>()?);
            }
            _ => return Err(meta.error(unknown_key_message("key", &key, KEYS))),
        }
        Ok(())
    });
    // syn stops at the first malformed key; then the keys after it were never read, so
    // "missing" would be a false report.
    let parsed_all = match parser.parse2(args) {
        Ok(()) => true,
        Err(e) => {
            cx.syn_error(e);
            false
        }
    };
    let mut seen: Vec<String> = deferred.iter().map(|(k, _)| k.clone()).collect();
    if raw.executor.is_some() {
        seen.push("executor".to_string());
    }
    for (key, lit) in deferred {
        let v = non_empty(&mut cx, &key, lit);
        match key.as_str() {
            "task_type" => raw.task_type = v,
            "image" => raw.image = v,
            "entrypoint" => raw.entrypoint = v,
            _ => raw.resolver = v,
        }
    }

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
    let span = Span::call_site();
    for (key, example) in [
        ("task_type", "task_type = \"...\""),
        ("image", "image = \"registry/name:tag\""),
        ("executor", "executor = YourExecutor"),
    ] {
        // An empty string was reported as empty above; do not also call it missing.
        if parsed_all && !seen.iter().any(|k| k == key) {
            cx.syn_error(syn::Error::new(
                span,
                format!("#[container_task] is missing `{example}`"),
            ));
        }
    }
    cx.check()?;
    match (raw.task_type, raw.image, raw.executor) {
        (Some(task_type), Some(image), Some(executor)) => Ok(TaskModel {
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
        // check() passed, so the three required keys were found above.
        _ => Err(Vec::new()),
    }
}
