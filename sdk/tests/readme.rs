//! The README's "Sign in from Rust" and "Sign in from the command line"
//! sections, run against the local endpoint: the program is
//! `examples/sign_in.rs` (the README shows it verbatim), the commands run in
//! `sh` with the `cognito-srp` that cargo built.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::*;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap()
}

/// The first fenced block of `lang` after the heading `heading`.
fn block(readme: &str, heading: &str, lang: &str) -> String {
    let section = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading}"));
    let start = section
        .find(&format!("```{lang}\n"))
        .expect("a fenced block")
        + lang.len()
        + 4;
    let end = section[start..].find("```\n").expect("its end");
    section[start..start + end].to_owned()
}

/// A binary cargo built into this test's target directory: the example
/// (`cargo test` builds examples) or a workspace member's.
fn built(relative: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir.join(relative);
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace`",
        path.display()
    );
    path
}

#[test]
fn the_rust_section_is_the_example_verbatim() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sign_in.rs"))
            .unwrap();
    assert_eq!(
        block(
            &readme(),
            "## Sign in from Rust with the AWS SDK\n",
            "rust,ignore"
        ),
        example
    );
}

#[test]
fn the_example_signs_in() {
    let endpoint = Endpoint::start();
    let mut child = Command::new(built("examples/sign_in"))
        .args([POOL, PUBLIC_CLIENT, ALICE.0, &endpoint.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", ALICE.1).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id_token = String::from_utf8(output.stdout).unwrap();
    assert_eq!(id_token.trim().split('.').count(), 3, "a JWT: {id_token}");
}

#[test]
fn the_command_line_section_runs() {
    let endpoint = Endpoint::start();
    let script = block(&readme(), "## Sign in from the command line\n", "sh");
    let bin_dir = built("cognito-srp").parent().unwrap().to_owned();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let home = std::env::temp_dir().join(format!("cognito-srp-readme-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let output = Command::new("sh")
        .args(["-euc", &script])
        .current_dir(&home)
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("ENDPOINT", &endpoint.url)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("COGNITO_CLIENT_SECRET")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&home);
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
