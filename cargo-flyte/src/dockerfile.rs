//! The Dockerfile of every task-type image (`src/Dockerfile`, commented there).

/// The Dockerfile, written into the staged build context.
pub(crate) const DOCKERFILE: &str = include_str!("Dockerfile");

#[cfg(test)]
mod tests {
    use super::DOCKERFILE;

    #[test]
    fn the_image_is_from_scratch_with_no_entrypoint_and_a_non_root_user() {
        let lines: Vec<&str> = DOCKERFILE.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(lines.contains(&"FROM scratch"), "{DOCKERFILE}");
        assert!(lines.contains(&"USER 65532:65532"), "{DOCKERFILE}");
        assert!(!lines
            .iter()
            .any(|l| l.starts_with("ENTRYPOINT") || l.starts_with("CMD")));
    }
}
