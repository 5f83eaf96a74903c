//! The lock beside the state store: two passes over one store (cron overlapping `watch`, or a
//! slow run overlapping the next) would race on it, so the second waits, then gives up.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// The exclusive lock that keeps two passes over one state store apart. Released on drop.
pub struct RunLock {
    _file: File,
}

/// Where the lock file for `state` lives: beside it.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

/// Takes the lock beside the state store, waiting up to `timeout` for another pass to finish.
/// `Ok(None)` when `cancel` was set while waiting.
pub fn acquire_lock(
    state: &Path,
    timeout: Duration,
    cancel: Option<&AtomicBool>,
) -> anyhow::Result<Option<RunLock>> {
    let path = lock_path(state);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory of {}", path.display()))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    let started = Instant::now();
    loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Ok(None);
        }
        match file.try_lock() {
            Ok(()) => return Ok(Some(RunLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "another sitefeed run holds {} (waited {:?}, lock_timeout)",
                path.display(),
                timeout
            ),
            Err(std::fs::TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_then_fails() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s.db");
        assert_eq!(lock_path(&state), dir.path().join("s.db.lock"));
        let first = acquire_lock(&state, Duration::ZERO, None).unwrap();
        let err = acquire_lock(&state, Duration::from_millis(200), None)
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("another sitefeed run holds"),
            "{err}"
        );
        let cancel = AtomicBool::new(true);
        let cancelled = acquire_lock(&state, Duration::from_secs(60), Some(&cancel)).unwrap();
        assert!(cancelled.is_none());
        drop(first);
        assert!(acquire_lock(&state, Duration::ZERO, None)
            .unwrap()
            .is_some());
    }
}
