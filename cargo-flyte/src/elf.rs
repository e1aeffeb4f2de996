//! Whether a Linux executable is static: an ELF file with no program interpreter
//! (`PT_INTERP`), so that it starts in an image with no dynamic loader.

use std::path::Path;

use crate::error::ImageError;

const PT_INTERP: u32 = 3;

/// Whether the ELF executable at `path` names a program interpreter (is dynamically linked).
///
/// Reads the 64-bit little-endian ELF header and program headers (the targets images are
/// built for); anything else is reported as dynamic, which fails the build loudly rather
/// than shipping an image that cannot start.
pub(crate) fn needs_interpreter(path: &Path) -> Result<bool, ImageError> {
    let bytes = std::fs::read(path).map_err(ImageError::io(path))?;
    Ok(has_interp(&bytes).unwrap_or(true))
}

fn has_interp(elf: &[u8]) -> Option<bool> {
    // e_ident: magic, class 2 (64-bit), data 1 (little-endian).
    if elf.get(..6)? != [0x7f, b'E', b'L', b'F', 2, 1] {
        return None;
    }
    let u16_at = |at: usize| Some(u16::from_le_bytes(elf.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(elf.get(at..at + 4)?.try_into().ok()?));
    let u64_at = |at: usize| Some(u64::from_le_bytes(elf.get(at..at + 8)?.try_into().ok()?));
    let phoff = usize::try_from(u64_at(0x20)?).ok()?;
    let phentsize = usize::from(u16_at(0x36)?);
    let phnum = usize::from(u16_at(0x38)?);
    let mut found = false;
    for i in 0..phnum {
        found |= u32_at(phoff.checked_add(i.checked_mul(phentsize)?)?)? == PT_INTERP;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 header with the given program header types.
    fn elf(types: &[u32]) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56 * types.len()];
        b[..6].copy_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1]);
        b[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        b[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        b[0x38..0x3a].copy_from_slice(&(types.len() as u16).to_le_bytes());
        for (i, t) in types.iter().enumerate() {
            b[64 + 56 * i..68 + 56 * i].copy_from_slice(&t.to_le_bytes());
        }
        b
    }

    #[test]
    fn an_interpreter_header_means_dynamic() {
        assert_eq!(has_interp(&elf(&[6, PT_INTERP, 1])), Some(true));
        assert_eq!(has_interp(&elf(&[6, 1, 1])), Some(false));
    }

    #[test]
    fn what_is_not_a_whole_elf64_file_is_not_judged_static() {
        assert_eq!(has_interp(b"#!/bin/sh\n"), None);
        let mut cut = elf(&[1, 1]);
        cut.truncate(100);
        assert_eq!(has_interp(&cut), None);
    }

    #[test]
    fn this_test_binary_is_judged_as_it_was_linked() -> Result<(), ImageError> {
        // The tests are built without +crt-static, so they have an interpreter (unless the
        // whole build is static, as RUSTFLAGS may make it).
        let me = std::env::current_exe().map_err(ImageError::io("current_exe"))?;
        let dynamic = !cfg!(target_feature = "crt-static");
        assert_eq!(needs_interpreter(&me)?, dynamic);
        Ok(())
    }
}
