//! The validated keys of a `#[container_task(...)]` attribute, and the struct's fields as
//! `custom` holds them.

use super::config_fields::ConfigModel;

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
    pub config: ConfigModel,
}
