//! The database file from the bytes at the task's `uri`: as they are, or (with
//! `compressed = true`) the one file inside a zip or gzipped-tar archive, as flytekit's
//! SQLite3Task unpacks it. Checked to be an SQLite database before it is opened.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The first 16 bytes of every SQLite 3 database file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why the database could not be had from the bytes.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Not a zip or gzip archive.
    #[error("`{uri}` is not a zip or tar.gz archive (compressed = true); its first bytes are {magic:02x?}")]
    UnknownFormat {
        /// Where it came from.
        uri: String,
        /// Its first bytes.
        magic: Vec<u8>,
    },
    /// Not exactly one file in the archive.
    #[error("archive `{uri}` must hold exactly one file (the database); it holds {}: {}", .files.len(), if .files.is_empty() { "none".to_string() } else { .files.join(", ") })]
    NotOneFile {
        /// Where it came from.
        uri: String,
        /// The files it holds.
        files: Vec<String>,
    },
    /// The archive is damaged.
    #[error("archive `{uri}` cannot be read: {reason}")]
    Damaged {
        /// Where it came from.
        uri: String,
        /// Why.
        reason: String,
    },
    /// The file is not an SQLite database.
    #[error(
        "`{uri}` is not an SQLite database (it does not start with \"SQLite format 3\"){hint}"
    )]
    NotSqlite {
        /// Where it came from.
        uri: String,
        /// A hint when it looks like an archive.
        hint: &'static str,
    },
    /// Writing the database to the scratch folder failed.
    #[error("cannot write the database to `{path}`: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn is_zip(b: &[u8]) -> bool {
    b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06")
}

fn is_gzip(b: &[u8]) -> bool {
    b.starts_with(&[0x1f, 0x8b])
}

/// The database bytes: `bytes` themselves, or the one file of the archive they are.
pub fn database_bytes(uri: &str, bytes: &[u8], compressed: bool) -> Result<Vec<u8>, ArchiveError> {
    let db = if !compressed {
        bytes.to_vec()
    } else if is_zip(bytes) {
        one_zip_file(uri, bytes)?
    } else if is_gzip(bytes) {
        one_tar_gz_file(uri, bytes)?
    } else {
        return Err(ArchiveError::UnknownFormat {
            uri: uri.to_string(),
            magic: bytes.iter().take(4).copied().collect(),
        });
    };
    if !db.starts_with(SQLITE_MAGIC) {
        let hint = if !compressed && (is_zip(bytes) || is_gzip(bytes)) {
            "; it looks like an archive: set `compressed = true`"
        } else {
            ""
        };
        return Err(ArchiveError::NotSqlite {
            uri: uri.to_string(),
            hint,
        });
    }
    Ok(db)
}

fn one_zip_file(uri: &str, bytes: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    let damaged = |e: &dyn std::fmt::Display| ArchiveError::Damaged {
        uri: uri.to_string(),
        reason: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| damaged(&e))?;
        if entry.is_file() {
            files.push((i, entry.name().to_string()));
        }
    }
    let [(index, _)] = files[..] else {
        return Err(ArchiveError::NotOneFile {
            uri: uri.to_string(),
            files: files.into_iter().map(|(_, n)| n).collect(),
        });
    };
    let mut entry = zip.by_index(index).map_err(|e| damaged(&e))?;
    let mut out = Vec::new();
    entry.read_to_end(&mut out).map_err(|e| damaged(&e))?;
    Ok(out)
}

fn one_tar_gz_file(uri: &str, bytes: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    let damaged = |e: std::io::Error| ArchiveError::Damaged {
        uri: uri.to_string(),
        reason: e.to_string(),
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in archive.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(damaged)?.display().to_string();
        let mut data = Vec::new();
        // Only the first file's bytes are kept; a second one makes it an error anyway.
        if files.is_empty() {
            entry.read_to_end(&mut data).map_err(damaged)?;
        }
        files.push((name, data));
    }
    if files.len() != 1 {
        return Err(ArchiveError::NotOneFile {
            uri: uri.to_string(),
            files: files.into_iter().map(|(n, _)| n).collect(),
        });
    }
    Ok(files.remove(0).1)
}

/// Writes the database to `dir/database.sqlite` and returns the path.
pub(super) fn write_database(dir: &Path, db: &[u8]) -> Result<PathBuf, ArchiveError> {
    let path = dir.join("database.sqlite");
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, db))
        .map_err(|source| ArchiveError::Io {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}
