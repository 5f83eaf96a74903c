//! Output to object storage: `output_dir = "s3://bucket/prefix"` (or `gs://`, `az://`,
//! `file://`) writes each file as one object through the `object_store` crate.
//!
//! This is the writer stage for sites served from a bucket (or a CDN in front of one), where
//! many shards on many machines can publish to one place. Each object is put whole, in one
//! request, with its `Content-Type` and the configured `Cache-Control`, so a reader sees the
//! old or the new object, never a part. An object whose bytes did not change is not put again:
//! the SHA-256 of what was last uploaded is kept in the state store (table `uploads`, keyed by
//! the object's URL), so deciding costs no request and downloads nothing. `object_store` is
//! async; this module alone runs it, on a current-thread tokio runtime of its own, and the rest
//! of sitefeed stays synchronous. Credentials come from the environment variables each
//! service's builder reads (`AWS_*`, `GOOGLE_*`, `AZURE_*`) and never appear in a message.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload, RetryConfig};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use url::Url;

use super::{OutputError, ReadFile, Written};

/// Retries of one request after a connection error or a 5xx, with `object_store`'s backoff; its
/// default (10 retries over up to 3 minutes) would hold a pass for minutes per object when the
/// endpoint is down.
const UPLOAD_RETRIES: usize = 3;
/// The longest one request is retried for.
const UPLOAD_RETRY_TIMEOUT: Duration = Duration::from_secs(60);

/// The URL schemes `output_dir` accepts for object storage.
pub const SCHEMES: [&str; 4] = ["s3", "gs", "az", "file"];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS uploads (
    object      TEXT PRIMARY KEY,   -- the object's URL: scheme, bucket and key
    sha256      TEXT NOT NULL,      -- hex digest of the bytes last put
    uploaded_at TEXT NOT NULL       -- RFC 3339 UTC
);
";

/// The media type an output file is served with, from its name: feeds by their extension,
/// the run's own JSON files (`status.json`, `status-K.json`) as plain JSON.
pub fn content_type(name: &str) -> &'static str {
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let is_status = stem == "status"
        || stem
            .strip_prefix("status-")
            .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
    match extension {
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "json" if is_status => "application/json",
        "json" => "application/feed+json",
        "html" => "text/html; charset=utf-8",
        "opml" => "text/x-opml",
        "css" => "text/css",
        _ => "application/octet-stream",
    }
}

/// A connected object store under one prefix, with the records of what was uploaded.
pub struct Objects {
    /// `output_dir` as configured, without a trailing `/`: names objects in messages.
    url: String,
    store: Box<dyn ObjectStore>,
    prefix: ObjectPath,
    /// Local files keep no attributes (`object_store` refuses them), so none are sent there.
    attributes: bool,
    cache_control: String,
    runtime: tokio::runtime::Runtime,
    uploads: Mutex<Connection>,
}

impl Objects {
    /// Builds the client for `url` from the environment and opens the upload records in the
    /// state store at `state`. Nothing is sent yet: a wrong bucket or credential shows at the
    /// first upload, named there.
    pub fn open(url: &Url, cache_control: &str, state: &Path) -> Result<Objects, OutputError> {
        let shown = url.as_str().trim_end_matches('/').to_string();
        let fail = |message: String| OutputError::Object {
            action: "open",
            object: shown.clone(),
            message,
        };
        let (store, prefix): (Box<dyn ObjectStore>, String) = match url.scheme() {
            "s3" => (
                Box::new(
                    object_store::aws::AmazonS3Builder::from_env()
                        .with_url(url.as_str())
                        .with_retry(retry())
                        .build()
                        .map_err(|e| fail(one_line(&e)))?,
                ),
                url.path().to_string(),
            ),
            "gs" => (
                Box::new(
                    object_store::gcp::GoogleCloudStorageBuilder::from_env()
                        .with_url(url.as_str())
                        .with_retry(retry())
                        .build()
                        .map_err(|e| fail(one_line(&e)))?,
                ),
                url.path().to_string(),
            ),
            "az" => (
                Box::new(
                    object_store::azure::MicrosoftAzureBuilder::from_env()
                        .with_url(url.as_str())
                        .with_retry(retry())
                        .build()
                        .map_err(|e| fail(one_line(&e)))?,
                ),
                url.path().to_string(),
            ),
            "file" => {
                let dir = url
                    .to_file_path()
                    .map_err(|()| fail("not a local path".into()))?;
                std::fs::create_dir_all(&dir)
                    .map_err(|e| fail(format!("cannot create the directory: {e}")))?;
                (
                    Box::new(
                        object_store::local::LocalFileSystem::new_with_prefix(&dir)
                            .map_err(|e| fail(one_line(&e)))?,
                    ),
                    String::new(),
                )
            }
            other => return Err(fail(format!("unknown scheme {other}://"))),
        };
        let prefix = ObjectPath::parse(prefix.trim_matches('/'))
            .map_err(|e| fail(format!("bad prefix: {}", one_line(&e))))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(format!("cannot start the I/O runtime: {e}")))?;
        let uploads = open_uploads(state).map_err(|e| OutputError::Object {
            action: "record uploads of",
            object: shown.clone(),
            message: format!("state store {}: {e}", state.display()),
        })?;
        Ok(Objects {
            url: shown,
            store,
            prefix,
            attributes: url.scheme() != "file",
            cache_control: cache_control.to_string(),
            runtime,
            uploads: Mutex::new(uploads),
        })
    }

    fn location(&self, name: &str) -> ObjectPath {
        self.prefix.child(name)
    }

    /// The object's URL, which names it in messages and keys its upload record.
    fn object_url(&self, name: &str) -> String {
        format!("{}/{name}", self.url)
    }

    fn error(&self, action: &'static str, name: &str, message: String) -> OutputError {
        OutputError::Object {
            action,
            object: self.object_url(name),
            message,
        }
    }

    fn recorded(&self, name: &str) -> Result<Option<String>, OutputError> {
        let uploads = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
        uploads
            .query_row(
                "SELECT sha256 FROM uploads WHERE object = ?1",
                [self.object_url(name)],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error("read the upload record of", name, e.to_string()))
    }

    /// Puts `bytes` as `name` unless the last upload of `name` had exactly these bytes.
    pub fn write_if_changed(&self, name: &str, bytes: &[u8]) -> Result<Written, OutputError> {
        let digest = hex(&Sha256::digest(bytes));
        if self.recorded(name)?.as_deref() == Some(digest.as_str()) {
            return Ok(Written::Unchanged);
        }
        let mut attributes = Attributes::new();
        if self.attributes {
            attributes.insert(Attribute::ContentType, content_type(name).into());
            attributes.insert(Attribute::CacheControl, self.cache_control.clone().into());
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let payload = PutPayload::from(bytes.to_vec());
        self.runtime
            .block_on(self.store.put_opts(&self.location(name), payload, options))
            .map_err(|e| self.error("upload", name, one_line(&e)))?;
        let uploads = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
        uploads
            .execute(
                "INSERT INTO uploads (object, sha256, uploaded_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(object) DO UPDATE SET sha256 = ?2, uploaded_at = ?3",
                params![
                    self.object_url(name),
                    digest,
                    chrono::Utc::now().to_rfc3339()
                ],
            )
            .map_err(|e| self.error("record the upload of", name, e.to_string()))?;
        Ok(Written::Changed)
    }

    /// Deletes `name` if this store uploaded it. Objects it has no record of are left alone:
    /// checking each would cost a request per feed and format on every pass.
    pub fn remove(&self, name: &str) -> Result<Written, OutputError> {
        if self.recorded(name)?.is_none() {
            return Ok(Written::Unchanged);
        }
        match self
            .runtime
            .block_on(self.store.delete(&self.location(name)))
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.error("delete", name, one_line(&e))),
        }
        let uploads = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
        uploads
            .execute(
                "DELETE FROM uploads WHERE object = ?1",
                [self.object_url(name)],
            )
            .map_err(|e| self.error("record the deletion of", name, e.to_string()))?;
        Ok(Written::Changed)
    }

    /// Whether this store uploaded `name` and has not deleted it since.
    pub fn has(&self, name: &str) -> bool {
        matches!(self.recorded(name), Ok(Some(_)))
    }

    /// The objects directly under the prefix whose names `keep` accepts, with their bytes.
    pub fn read_matching(&self, keep: &dyn Fn(&str) -> bool) -> Result<Vec<ReadFile>, OutputError> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let listing = self
            .runtime
            .block_on(self.store.list_with_delimiter(prefix))
            .map_err(|e| OutputError::Object {
                action: "list",
                object: format!("{}/", self.url),
                message: one_line(&e),
            })?;
        let mut files = Vec::new();
        for meta in listing.objects {
            let Some(name) = meta.location.filename().map(str::to_string) else {
                continue;
            };
            if !keep(&name) {
                continue;
            }
            let bytes = self
                .runtime
                .block_on(async {
                    self.store
                        .get(&meta.location)
                        .await?
                        .bytes()
                        .await
                        .map(|b| b.to_vec())
                })
                .map_err(|e| format!("{}: {}", self.object_url(&name), one_line(&e)));
            files.push((name, bytes));
        }
        Ok(files)
    }
}

fn retry() -> RetryConfig {
    RetryConfig {
        max_retries: UPLOAD_RETRIES,
        retry_timeout: UPLOAD_RETRY_TIMEOUT,
        ..RetryConfig::default()
    }
}

fn open_uploads(state: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(state)?;
    // The pass's own store connection writes to the same file from other threads.
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `object_store` messages can run over lines (a service's XML error body); a log line and an
/// exit message need one.
fn one_line(err: &dyn std::fmt::Display) -> String {
    err.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_file() {
        assert_eq!(content_type("news.rss"), "application/rss+xml");
        assert_eq!(content_type("news.atom"), "application/atom+xml");
        assert_eq!(content_type("news.json"), "application/feed+json");
        assert_eq!(content_type("status.json"), "application/json");
        assert_eq!(content_type("status-12.json"), "application/json");
        assert_eq!(content_type("status-x.json"), "application/feed+json");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feeds.opml"), "text/x-opml");
        assert_eq!(content_type("feed.css"), "text/css");
    }

    fn file_objects(dir: &Path) -> Objects {
        let url = Url::from_directory_path(dir.join("out")).unwrap();
        Objects::open(&url, "max-age=60", &dir.join("state.db")).unwrap()
    }

    #[test]
    fn unchanged_bytes_are_not_put_again() {
        let dir = tempfile::tempdir().unwrap();
        let objects = file_objects(dir.path());
        let file = dir.path().join("out/a.rss");
        assert_eq!(
            objects.write_if_changed("a.rss", b"one").unwrap(),
            Written::Changed
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"one");
        // Changed behind sitefeed's back: the record, not the object, decides (no download).
        std::fs::write(&file, b"edited").unwrap();
        assert_eq!(
            objects.write_if_changed("a.rss", b"one").unwrap(),
            Written::Unchanged
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"edited");
        assert_eq!(
            objects.write_if_changed("a.rss", b"two").unwrap(),
            Written::Changed
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        // The records outlive the process: a new client still knows what it uploaded.
        drop(objects);
        let objects = file_objects(dir.path());
        assert!(objects.has("a.rss") && !objects.has("b.rss"));
        assert_eq!(
            objects.write_if_changed("a.rss", b"two").unwrap(),
            Written::Unchanged
        );
    }

    #[test]
    fn remove_deletes_only_what_was_uploaded() {
        let dir = tempfile::tempdir().unwrap();
        let objects = file_objects(dir.path());
        std::fs::write(dir.path().join("out/foreign.json"), b"{}").unwrap();
        assert_eq!(objects.remove("foreign.json").unwrap(), Written::Unchanged);
        assert!(dir.path().join("out/foreign.json").exists());
        objects.write_if_changed("a.json", b"{}").unwrap();
        assert_eq!(objects.remove("a.json").unwrap(), Written::Changed);
        assert!(!dir.path().join("out/a.json").exists());
        assert!(!objects.has("a.json"));
        assert_eq!(objects.remove("a.json").unwrap(), Written::Unchanged);
    }

    #[test]
    fn read_matching_lists_the_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let objects = file_objects(dir.path());
        objects.write_if_changed("status-0.json", b"zero").unwrap();
        objects.write_if_changed("status-1.json", b"one").unwrap();
        objects.write_if_changed("a.rss", b"feed").unwrap();
        let mut files = objects
            .read_matching(&|name| name.starts_with("status-"))
            .unwrap();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|(name, bytes)| (name, bytes.unwrap()))
            .collect();
        assert_eq!(
            files,
            [
                ("status-0.json".to_string(), b"zero".to_vec()),
                ("status-1.json".to_string(), b"one".to_vec())
            ]
        );
    }
}
