//! The only code that writes to `output/`.
//!
//! Every file is written whole to a temporary file beside its target and renamed over it, so a
//! reader (or a web server) sees either the old or the new complete file, never a torn one,
//! even if sitefeed is killed mid-write. A file whose bytes are unchanged is not touched, so
//! static hosts keep their ETag and Last-Modified and readers are not sent the same feed again.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A write into the output directory that failed, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct OutputError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
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
    let fail = |source| OutputError {
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
        Err(source) => Err(OutputError { path, source }),
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
