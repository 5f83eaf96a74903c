//! The only code that writes output: to `output_dir` on disk, or to object storage.
//!
//! On disk, every file is written whole to a temporary file beside its target and renamed over
//! it, so a reader (or a web server) sees either the old or the new complete file, never a torn
//! one, even if sitefeed is killed mid-write. A file whose bytes are unchanged is not touched, so
//! static hosts keep their ETag and Last-Modified and readers are not sent the same feed again.
//! An `output_dir` URL (`s3://`, `gs://`, `az://`, `file://`) goes through [`object`] instead,
//! with the same contract: each object put whole, and not put at all when unchanged.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use url::Url;

use crate::config::Config;

pub mod object;

/// A file read back: its name, and its bytes or why they could not be read.
pub type ReadFile = (String, Result<Vec<u8>, String>);

/// Where output goes, as configured by `output_dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputDir {
    /// A directory on this machine, written with [`write_if_changed`].
    Local(PathBuf),
    /// An object storage URL with its prefix (`s3://bucket/prefix`, `gs://`, `az://`, `file://`).
    Objects(Url),
}

impl OutputDir {
    /// The directory, when output goes to one on this machine.
    pub fn local(&self) -> Option<&Path> {
        match self {
            OutputDir::Local(dir) => Some(dir),
            OutputDir::Objects(_) => None,
        }
    }
}

impl fmt::Display for OutputDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputDir::Local(dir) => write!(f, "{}", dir.display()),
            OutputDir::Objects(url) => write!(f, "{url}"),
        }
    }
}

/// A write that failed, naming the file or the object.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `object` is the object's URL (bucket and key), `message` one line.
    #[error("cannot {action} {object}: {message}")]
    Object {
        action: &'static str,
        object: String,
        message: String,
    },
}

/// The open output of a pass: the directory, or a connected object store.
pub enum Output {
    Local(PathBuf),
    Objects(Box<object::Objects>),
}

impl Output {
    /// Opens `config.output_dir`. For object storage this builds the client (credentials from
    /// the environment) and opens the upload records in the state store, so call it once the
    /// pass holds its lock.
    pub fn open(config: &Config) -> Result<Output, OutputError> {
        match &config.output_dir {
            OutputDir::Local(dir) => Ok(Output::Local(dir.clone())),
            OutputDir::Objects(url) => Ok(Output::Objects(Box::new(object::Objects::open(
                url,
                &config.cache_control,
                &config.state,
            )?))),
        }
    }

    /// Writes `bytes` as `name` unless it already holds exactly them.
    pub fn write_if_changed(&self, name: &str, bytes: &[u8]) -> Result<Written, OutputError> {
        match self {
            Output::Local(dir) => write_if_changed(dir, name, bytes),
            Output::Objects(objects) => objects.write_if_changed(name, bytes),
        }
    }

    /// Removes `name` if sitefeed wrote it.
    pub fn remove(&self, name: &str) -> Result<Written, OutputError> {
        match self {
            Output::Local(dir) => remove(dir, name),
            Output::Objects(objects) => objects.remove(name),
        }
    }

    /// Whether `name` is there. For object storage this is whether this store uploaded it (no
    /// request: a shard asks it for every file of every feed).
    pub fn has(&self, name: &str) -> bool {
        match self {
            Output::Local(dir) => dir.join(name).is_file(),
            Output::Objects(objects) => objects.has(name),
        }
    }

    /// The files whose names `keep` accepts, each with its bytes or why they could not be
    /// read. Only an unreadable directory or listing is an error.
    pub fn read_matching(&self, keep: &dyn Fn(&str) -> bool) -> Result<Vec<ReadFile>, OutputError> {
        match self {
            Output::Local(dir) => {
                let entries = fs::read_dir(dir).map_err(|source| OutputError::File {
                    path: dir.clone(),
                    source,
                })?;
                Ok(entries
                    .flatten()
                    .filter_map(|entry| {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        keep(&name).then(|| {
                            let bytes = fs::read(entry.path())
                                .map_err(|e| format!("{}: {e}", entry.path().display()));
                            (name, bytes)
                        })
                    })
                    .collect())
            }
            Output::Objects(objects) => objects.read_matching(keep),
        }
    }
}

/// Whether a write changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Changed,
    Unchanged,
}

/// Writes `bytes` to `dir/file_name` atomically, unless the file already holds exactly them.
/// `file_name` must be a single path component (config validation guarantees it for feeds).
pub fn write_if_changed(dir: &Path, file_name: &str, bytes: &[u8]) -> Result<Written, OutputError> {
    let path = dir.join(file_name);
    let fail = |source| OutputError::File {
        path: path.clone(),
        source,
    };
    debug_assert!(!file_name.contains(['/', '\\']) && file_name != "..");
    match fs::read(&path) {
        Ok(old) if old == bytes => return Ok(Written::Unchanged),
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(fail(err)),
    }
    fs::create_dir_all(dir).map_err(fail)?;
    // A dot-file name keeps half-written files out of sight of static hosts that skip them,
    // and the pid keeps two processes from sharing one.
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        // A leftover from a killed run is removed; `create_new` never follows a link planted
        // at the temporary name.
        let _ = fs::remove_file(&temp);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, &path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&temp);
        return Err(fail(err));
    }
    // Make the rename itself durable; not all platforms can open a directory, so best effort.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(Written::Changed)
}

/// Removes `dir/file_name` if it exists (a file sitefeed wrote and no longer writes).
pub fn remove(dir: &Path, file_name: &str) -> Result<Written, OutputError> {
    let path = dir.join(file_name);
    match fs::remove_file(&path) {
        Ok(()) => Ok(Written::Changed),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Written::Unchanged),
        Err(source) => Err(OutputError::File { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_leaves_unchanged_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        assert_eq!(
            write_if_changed(&out, "a.rss", b"one").unwrap(),
            Written::Changed
        );
        let modified = fs::metadata(out.join("a.rss")).unwrap().modified().unwrap();
        assert_eq!(
            write_if_changed(&out, "a.rss", b"one").unwrap(),
            Written::Unchanged
        );
        assert_eq!(
            fs::metadata(out.join("a.rss")).unwrap().modified().unwrap(),
            modified
        );
        assert_eq!(
            write_if_changed(&out, "a.rss", b"two").unwrap(),
            Written::Changed
        );
        assert_eq!(fs::read(out.join("a.rss")).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    }

    #[test]
    fn remove_is_quiet_when_nothing_is_there() {
        let dir = tempfile::tempdir().unwrap();
        write_if_changed(dir.path(), "a.json", b"{}").unwrap();
        assert_eq!(remove(dir.path(), "a.json").unwrap(), Written::Changed);
        assert_eq!(remove(dir.path(), "a.json").unwrap(), Written::Unchanged);
        assert!(!dir.path().join("a.json").exists());
    }

    #[test]
    fn failure_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let err = write_if_changed(&blocker, "a.rss", b"one").unwrap_err();
        assert!(err.to_string().contains("a.rss"), "{err}");
    }
}
