//! The expansion of each macro for the `adder` example, pretty-printed and checked in
//! (`tests/expand/*.expanded.rs`), so a change to generated code shows up in review and the
//! output stays readable. `UPDATE_SNAPSHOTS=1 cargo test -p flyte-rs-macros` rewrites them.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

fn check(name: &str, tokens: TokenStream) {
    let file: syn::File =
        syn::parse2(tokens).unwrap_or_else(|e| panic!("{name}: expansion does not parse: {e}"));
    let pretty = prettyplease::unparse(&file);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expand")
        .join(format!("{name}.expanded.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        expected == pretty,
        "the expansion of {name} changed; review it and run UPDATE_SNAPSHOTS=1 cargo test -p flyte-rs-macros\n--- now ---\n{pretty}"
    );
}

#[test]
fn container_task_expansion() {
    let args = quote!(
        task_type = "adder",
        image = "flyte-examples:{version}",
        executor = AddExecutor,
        inputs = AddInputs,
        outputs = AddOutputs
    );
    // As in examples/src/adder.rs (tests/cargo_expand.rs compares the two expansions).
    let item = quote! {
        /// The task type: adds a fixed offset (its configuration, in `custom`).
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct AddTask {
            /// Added to every sum.
            pub offset: i64,
        }
    };
    check(
        "container_task",
        crate::container_task::container_task(args, item),
    );
}

/// Every optional key at once, and a generic type as a value (`custom_with`,
/// `validate_with`, `entrypoint`, `resolver`, `task_type_version`, `inputs`, `outputs`).
#[test]
fn container_task_expansion_with_every_key() {
    let args = quote!(
        task_type = "sqlite",
        image = "ghcr.io/acme/sqlite:{version}",
        executor = SqliteExecutor,
        inputs = Wrapper<Query, Limits>,
        outputs = Rows,
        entrypoint = "sqlite-tasks",
        resolver = "flyte_rs.default_task_resolver",
        task_type_version = 2,
        custom_with = sqlite_custom,
        validate_with = check_query
    );
    let item = quote! {
        #[derive(serde::Serialize, serde::Deserialize)]
        pub struct SqliteTask { pub uri: String, pub query_template: String }
    };
    check(
        "container_task_every_key",
        crate::container_task::container_task(args, item),
    );
}

#[test]
fn shim_executor_expansion() {
    let item = quote! {
        impl ShimTaskExecutor for AddExecutor {
            type Task = AddTask;
            fn execute_from_model(&self, _ctx: &ExecutionContext, task: AddTask, inputs: AddInputs) -> Result<AddOutputs, TaskError> {
                todo!()
            }
        }
    };
    check(
        "shim_executor",
        crate::shim_executor::shim_executor(TokenStream::new(), item),
    );
}

#[test]
fn task_io_expansion() {
    // As in examples/src/adder.rs: each field's doc comment is its variable's description.
    let input: syn::DeriveInput = syn::parse_quote! {
        /// The adder's inputs.
        pub struct AddInputs {
            /// First addend.
            pub a: i64,
            /// Second addend.
            pub b: i64,
            /// Label of the message.
            pub label: String,
        }
    };
    check(
        "task_io",
        crate::task_io::derive(&input).unwrap_or_else(crate::ctxt::to_compile_errors),
    );
}

#[test]
fn flyte_type_expansion() {
    // A documented field is described in the schema; `y` has no doc comment.
    let input: syn::DeriveInput = syn::parse_quote! {
        pub struct Point {
            /// Distance east of the origin.
            pub x: f64,
            #[flyte(default = 0.0)]
            pub y: f64,
        }
    };
    check(
        "flyte_type_struct",
        crate::flyte_type::derive(&input).unwrap_or_else(crate::ctxt::to_compile_errors),
    );
    let input: syn::DeriveInput = syn::parse_quote! {
        #[flyte(rename_all = "lowercase")]
        pub enum Color { Red, Green }
    };
    check(
        "flyte_type_enum",
        crate::flyte_type::derive(&input).unwrap_or_else(crate::ctxt::to_compile_errors),
    );
}
