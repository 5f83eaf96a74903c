//! The shipped deploy/ files stay valid: `deploy/check` validates the Kubernetes manifests
//! (kubernetes-validate), the systemd units (systemd-analyze verify) and both example
//! configs (`sitefeed check --shards 4`). A missing validator is skipped with the reason
//! printed, except under CI, where deploy/check fails.

use std::process::Command;

#[test]
fn deploy_manifests_and_units_validate() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("bash")
        .arg(format!("{root}/deploy/check"))
        .env("SITEFEED_BIN", env!("CARGO_BIN_EXE_sitefeed"))
        .output()
        .expect("run bash deploy/check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Shown by `cargo test -- --nocapture`, and on failure.
    println!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "deploy/check failed:\n{stdout}{stderr}"
    );
    assert!(
        stdout.contains("ok: systemd/feeds.toml with 4 shards"),
        "the example config was not checked:\n{stdout}"
    );
}
