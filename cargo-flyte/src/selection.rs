//! Which package and binary go into the image: named ones are checked, unnamed ones are
//! chosen only when the workspace leaves one choice.

use std::path::Path;

use crate::cargo::{Package, Workspace};
use crate::error::ImageError;

/// The package and binary an image is built from.
#[derive(Debug)]
pub(crate) struct Selected<'a> {
    pub(crate) package: &'a Package,
    pub(crate) bin: String,
}

/// Chooses the package (`--package`, else the package of `manifest`, else the only binary
/// package that depends on flyte-runtime) and its binary (`--bin`, else its only one).
pub(crate) fn select<'a>(
    workspace: &'a Workspace,
    manifest: Option<&Path>,
    package: Option<&str>,
    bin: Option<&str>,
) -> Result<Selected<'a>, ImageError> {
    let where_ = manifest.map_or_else(
        || "the current directory".to_string(),
        |m| m.display().to_string(),
    );
    let names = |packages: &mut dyn Iterator<Item = &Package>| {
        packages
            .map(|p| format!("`{}`", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = if let Some(name) = package {
        workspace
            .packages
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ImageError::NoSuchPackage {
                name: name.to_string(),
                manifest: where_.clone(),
                known: names(&mut workspace.packages.iter()),
            })?
    } else if let Some(p) = manifest.and_then(|m| package_of_manifest(workspace, m)) {
        p
    } else {
        let candidates: Vec<&Package> = workspace
            .packages
            .iter()
            .filter(|p| p.uses_flyte_runtime() && !p.binaries().is_empty())
            .collect();
        match candidates[..] {
            [one] => one,
            [] => {
                return Err(ImageError::AmbiguousPackage(format!(
                    "no package of the workspace of {where_} has a binary and depends on \
                     flyte-runtime (its packages: {})",
                    names(&mut workspace.packages.iter())
                )))
            }
            _ => {
                return Err(ImageError::AmbiguousPackage(format!(
                    "the workspace of {where_} has several task-type packages: {}",
                    names(&mut candidates.into_iter())
                )))
            }
        }
    };
    if !chosen.uses_flyte_runtime() {
        return Err(ImageError::NotATaskTypeCrate(chosen.name.clone()));
    }
    let binaries = chosen.binaries();
    let listed = || {
        binaries
            .iter()
            .map(|b| format!("`{b}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bin = match (bin, &binaries[..]) {
        (Some(name), known) if known.contains(&name) => name.to_string(),
        (Some(name), _) => {
            return Err(ImageError::NoSuchBinary {
                package: chosen.name.clone(),
                name: name.to_string(),
                known: if binaries.is_empty() {
                    "none".to_string()
                } else {
                    listed()
                },
            })
        }
        (None, [one]) => one.to_string(),
        (None, []) => {
            return Err(ImageError::AmbiguousBinary(format!(
                "package `{}` has no binary; a task type needs one whose `main` calls \
                 `flyte_runtime::cli::main()`",
                chosen.name
            )))
        }
        (None, _) => {
            return Err(ImageError::AmbiguousBinary(format!(
                "package `{}` has several binaries ({}); name one with --bin",
                chosen.name,
                listed()
            )))
        }
    };
    Ok(Selected {
        package: chosen,
        bin,
    })
}

/// The package whose manifest `manifest` is (a workspace root's manifest may be none).
fn package_of_manifest<'a>(workspace: &'a Workspace, manifest: &Path) -> Option<&'a Package> {
    let wanted = std::fs::canonicalize(manifest).ok()?;
    workspace
        .packages
        .iter()
        .find(|p| std::fs::canonicalize(&p.manifest_path).is_ok_and(|m| m == wanted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cargo::{Dependency, Target};

    fn package(name: &str, bins: &[&str], runtime: bool) -> Package {
        Package {
            name: name.to_string(),
            version: "0.1.0".to_string(),
            manifest_path: format!("/nowhere/{name}/Cargo.toml").into(),
            targets: bins
                .iter()
                .map(|b| Target {
                    name: b.to_string(),
                    kind: vec!["bin".to_string()],
                })
                .collect(),
            dependencies: runtime
                .then(|| Dependency {
                    name: "flyte-runtime".to_string(),
                })
                .into_iter()
                .collect(),
        }
    }

    fn workspace(packages: Vec<Package>) -> Workspace {
        Workspace {
            packages,
            target_directory: "/t".into(),
        }
    }

    #[test]
    fn the_only_task_type_package_and_binary_are_chosen() -> Result<(), ImageError> {
        let ws = workspace(vec![
            package("lib-only", &[], true),
            package("tool", &["tool"], false),
            package("tasks", &["tasks"], true),
        ]);
        let s = select(&ws, None, None, None)?;
        assert_eq!(
            (s.package.name.as_str(), s.bin.as_str()),
            ("tasks", "tasks")
        );
        Ok(())
    }

    #[test]
    fn a_missing_or_ambiguous_choice_names_the_candidates() {
        let ws = workspace(vec![
            package("a", &["a1", "a2"], true),
            package("b", &["b"], true),
            package("tool", &["tool"], false),
        ]);
        let message = |r: Result<Selected<'_>, ImageError>| match r {
            Ok(s) => format!("chose {}", s.bin),
            Err(e) => e.to_string(),
        };
        let m = message(select(&ws, None, None, None));
        assert!(m.contains("several task-type packages: `a`, `b`"), "{m}");
        let m = message(select(&ws, None, Some("c"), None));
        assert!(m.contains("package `c` is not in the workspace"), "{m}");
        assert!(m.contains("`a`, `b`, `tool`"), "{m}");
        let m = message(select(&ws, None, Some("a"), None));
        assert!(m.contains("several binaries (`a1`, `a2`)"), "{m}");
        let m = message(select(&ws, None, Some("a"), Some("a3")));
        assert!(
            m.contains("no binary `a3`; its binaries: `a1`, `a2`"),
            "{m}"
        );
        let m = message(select(&ws, None, Some("tool"), None));
        assert!(m.contains("does not depend on flyte-runtime"), "{m}");
        assert_eq!(
            message(select(&ws, None, Some("a"), Some("a2"))),
            "chose a2"
        );
    }
}
