//! Streaming transfers between object storage and local files ([`Storage::download`],
//! [`Storage::upload`]): the data moves in chunks, never as one buffer, and a download lands
//! under a staging name that is renamed into place only when it is whole.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use object_store::{ObjectStoreExt, WriteMultipart};

use super::error::StorageError;
use super::store::Storage;
use super::uri::StorageUri;

/// How much of a local file is read at a time on upload.
const CHUNK: usize = 1 << 20;

/// Local I/O inside a transfer, as the store's error type (so the retry policy sees it).
fn local(path: &Path, e: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "local file",
        source: format!("{}: {e}", path.display()).into(),
    }
}

fn staging_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.download", std::process::id()))
}

impl Storage {
    /// Copies the object at `uri` to the local file `dest`, streamed; returns its size. The
    /// file appears whole or not at all (a staging name, renamed at the end).
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let storage = Storage::default();
    /// storage.write("memory://b/a.txt", "hello").await.unwrap();
    /// let dest = std::env::temp_dir().join("flyte-rs-doc-download.txt");
    /// assert_eq!(storage.download("memory://b/a.txt", &dest).await.unwrap(), 5);
    /// assert_eq!(std::fs::read_to_string(&dest).unwrap(), "hello");
    /// # });
    /// ```
    pub async fn download(&self, uri: &str, dest: &Path) -> Result<u64, StorageError> {
        let parsed = StorageUri::parse(uri)?;
        let staging = staging_path(dest);
        let result = self
            .retried("download", &parsed, |store, key| {
                let staging = staging.clone();
                async move {
                    if let Some(dir) = staging.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir).map_err(|e| local(dir, e))?;
                    }
                    let mut file =
                        std::fs::File::create(&staging).map_err(|e| local(&staging, e))?;
                    let mut stream = store.get(&key).await?.into_stream();
                    let mut size = 0u64;
                    while let Some(chunk) = stream.next().await {
                        let chunk = chunk?;
                        file.write_all(&chunk).map_err(|e| local(&staging, e))?;
                        size += chunk.len() as u64;
                    }
                    Ok(size)
                }
            })
            .await;
        let renamed = result.and_then(|size| {
            std::fs::rename(&staging, dest)
                .map(|()| size)
                .map_err(|e| StorageError::Failed {
                    op: "download",
                    uri: parsed.original.clone(),
                    attempts: 1,
                    transient: false,
                    source: local(dest, e),
                })
        });
        if renamed.is_err() {
            let _ = std::fs::remove_file(&staging);
        }
        renamed
    }

    /// Copies the local file `src` to `uri`, streamed (a multipart upload where the store has
    /// one); returns its size.
    ///
    /// ```
    /// use flyte_runtime::storage::Storage;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let src = std::env::temp_dir().join("flyte-rs-doc-upload.txt");
    /// std::fs::write(&src, "hello").unwrap();
    /// let storage = Storage::default();
    /// assert_eq!(storage.upload(&src, "memory://b/a.txt").await.unwrap(), 5);
    /// assert_eq!(storage.read("memory://b/a.txt").await.unwrap(), "hello");
    /// # });
    /// ```
    pub async fn upload(&self, src: &Path, uri: &str) -> Result<u64, StorageError> {
        let parsed = StorageUri::parse(uri)?;
        self.retried("upload", &parsed, |store, key| async move {
            let mut file = std::fs::File::open(src).map_err(|e| local(src, e))?;
            let mut upload = WriteMultipart::new(store.put_multipart(&key).await?);
            let mut buf = vec![0u8; CHUNK];
            let mut size = 0u64;
            loop {
                let n = match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => {
                        let _ = upload.abort().await;
                        return Err(local(src, e));
                    }
                };
                // At most a few parts in flight: memory stays bounded whatever the size. A
                // part that failed aborts the upload, so the store keeps no orphaned parts
                // (`finish` aborts by itself when the last parts or the commit fail).
                if let Err(e) = upload.wait_for_capacity(4).await {
                    let _ = upload.abort().await;
                    return Err(e);
                }
                upload.write(&buf[..n]);
                size += n as u64;
            }
            upload.finish().await?;
            Ok(size)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_file_larger_than_a_chunk_goes_up_and_comes_back_the_same() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-transfer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data: Vec<u8> = (0..(3 * CHUNK + 123))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let src = dir.join("src.bin");
        std::fs::write(&src, &data).unwrap();
        let s = Storage::default();
        block_on(async {
            for uri in [
                "memory://b/big.bin".to_string(),
                format!("file://{}", dir.join("copy/big.bin").display()),
            ] {
                assert_eq!(s.upload(&src, &uri).await.unwrap(), data.len() as u64);
                let back = dir.join("back/big.bin");
                assert_eq!(s.download(&uri, &back).await.unwrap(), data.len() as u64);
                assert_eq!(std::fs::read(&back).unwrap(), data, "{uri}");
            }
            let missing = s.download("memory://b/none", &dir.join("none")).await;
            assert!(
                matches!(missing, Err(StorageError::NotFound { .. })),
                "{missing:?}"
            );
            assert!(!dir.join("none").exists());
            assert!(
                !std::fs::read_dir(&dir).unwrap().any(|e| e
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".download")),
                "no staging file is left"
            );
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
