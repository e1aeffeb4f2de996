//! Compiles `flyteidl/**/*.proto` with protox (pure Rust, no system `protoc`) and generates
//! the Rust types with prost-build into `OUT_DIR`. The descriptor set is kept too, so the
//! conformance test can compare our definitions with flyteidl's.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "flyteidl/core/identifier.proto",
    "flyteidl/core/types.proto",
    "flyteidl/core/literals.proto",
    "flyteidl/core/interface.proto",
    "flyteidl/core/security.proto",
    "flyteidl/core/tasks.proto",
    "flyteidl/core/execution.proto",
    "flyteidl/core/errors.proto",
    "flyteidl/core/workflow.proto",
    "flyteidl/admin/description_entity.proto",
    "flyteidl/admin/common.proto",
    "flyteidl/admin/task.proto",
    "flyteidl/admin/workflow.proto",
    "flyteidl/admin/launch_plan.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=flyteidl");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptors = protox::compile(PROTOS, ["."])?;
    let descriptor_path = out_dir.join("flyteidl_descriptor_set.bin");
    std::fs::write(
        &descriptor_path,
        prost::Message::encode_to_vec(&descriptors),
    )?;
    prost_build::Config::new()
        // Deterministic map order, so the bytes we write are the same on every run.
        .btree_map(["."])
        // Two rare, large variants boxed, so that a `Literal` is 112 bytes instead of 288:
        // a collection of a million integers decodes into a third of the memory, faster.
        .boxed(".flyteidl.core.Literal.value.offloaded_metadata")
        .boxed(".flyteidl.core.Scalar.value.structured_dataset")
        .compile_fds(descriptors)?;
    Ok(())
}
