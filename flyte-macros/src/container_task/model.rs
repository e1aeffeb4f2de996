//! What a `#[container_task(...)]` attribute said ([`Raw`], as far as it parsed), and the
//! validated keys with the struct's fields as `custom` holds them ([`TaskModel`]).

use syn::DeriveInput;

use super::config_fields::{config_model, ConfigModel};

/// The attribute's keys.
pub(super) const KEYS: &[&str] = &[
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
    "enable_deck",
];

/// What the attribute said, key by key, as far as it parsed.
#[derive(Default)]
pub(super) struct Raw {
    pub task_type: Option<String>,
    pub image: Option<String>,
    pub executor: Option<syn::Type>,
    pub entrypoint: Option<String>,
    pub resolver: Option<String>,
    pub task_type_version: Option<i32>,
    pub inputs: Option<syn::Type>,
    pub outputs: Option<syn::Type>,
    pub custom_with: Option<syn::Path>,
    pub validate_with: Option<syn::Path>,
    pub enable_deck: Option<bool>,
    /// Every key given, known or not, in order.
    pub given: Vec<String>,
    /// Whether the key list itself parsed (else which keys were given is not known).
    pub parsed_all: bool,
}

pub(super) struct TaskModel {
    pub task_type: String,
    pub image: String,
    pub executor: syn::Type,
    pub entrypoint: Option<String>,
    pub resolver: Option<String>,
    pub task_type_version: Option<i32>,
    pub inputs: Option<syn::Type>,
    pub outputs: Option<syn::Type>,
    pub custom_with: Option<syn::Path>,
    pub validate_with: Option<syn::Path>,
    pub enable_deck: Option<bool>,
    pub config: ConfigModel,
}

impl TaskModel {
    /// The model of `input` under the attribute `raw`; `None` when a required key did not
    /// parse (which `parse` or `validate` reported).
    pub(super) fn new(raw: &Raw, input: &DeriveInput) -> Option<Self> {
        Some(Self {
            task_type: raw.task_type.clone()?,
            image: raw.image.clone()?,
            executor: raw.executor.clone()?,
            entrypoint: raw.entrypoint.clone(),
            resolver: raw.resolver.clone(),
            task_type_version: raw.task_type_version,
            inputs: raw.inputs.clone(),
            outputs: raw.outputs.clone(),
            custom_with: raw.custom_with.clone(),
            validate_with: raw.validate_with.clone(),
            enable_deck: raw.enable_deck,
            config: config_model(input, raw.custom_with.is_some()),
        })
    }
}
