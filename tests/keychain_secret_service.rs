//! Probe secrets and the desktop keyring (issue 14): with a session bus whose Secret Service (GNOME Keyring here) is
//! unlocked, a kept secret goes there, where other desktop tools see it and where it survives a restart; without one
//! it goes to the kernel keyring, and the app says which. A private bus and keyring daemon are started for the test,
//! in a folder of its own, so nobody's real keyring is touched. Its own test binary: it sets the process's
//! `DBUS_SESSION_BUS_ADDRESS`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use golive::probe::keychain;
use golive::probe::SecretValue;
use golive::Environment;

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn require(tool: &str) -> String {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{tool} is not installed: scripts/install-system-deps.sh installs it"
    );
    String::from_utf8(found.stdout).unwrap().trim().to_string()
}

/// `secret-tool lookup` on the private bus: what another desktop tool reading the keyring sees.
fn lookup(bus: &str, home: &std::path::Path, account: &str) -> Option<String> {
    let out = Command::new(require("secret-tool"))
        .args(["lookup", "application", "golive", "account", account])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("HOME", home)
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
        .filter(|s| !s.is_empty())
}

#[test]
fn secrets_go_to_an_unlocked_desktop_keyring_and_to_the_kernel_keyring_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".local/share")).unwrap();

    // No session bus: the kernel keyring, which a restart forgets, and the app says so. (This binary has one test:
    // nothing else reads the environment while it changes.)
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    let without = keychain::backend();
    assert!(!without.survives_restart, "{without:?}");
    assert!(without.name.contains("kernel keyring"), "{without:?}");

    // A private session bus and an unlocked GNOME Keyring on it.
    let mut bus = Command::new(require("dbus-daemon"))
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_string();
    assert!(address.starts_with("unix:"), "{address}");
    let mut keyring = Command::new(require("gnome-keyring-daemon"))
        .args(["--unlock", "--foreground", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The login keyring's password, on stdin, unlocks (and here creates) it.
    keyring
        .stdin
        .take()
        .unwrap()
        .write_all(b"test keyring password")
        .unwrap();
    let _daemons = Killed(vec![keyring, bus]);
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
    let started = Instant::now();
    let with = loop {
        let b = keychain::backend();
        // The daemon starts in well under a second alone; on a busy two-core CI machine it has taken over 15 s.
        if b.survives_restart || started.elapsed() > Duration::from_secs(60) {
            break b;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(with.survives_restart, "{with:?}");
    assert!(with.name.contains("Secret Service"), "{with:?}");

    let account = "golive:acme-eur-usdt/live/api_key";
    let value = SecretValue::new("sk_live_FAKEkeyring0secret0service01");
    keychain::store("acme-eur-usdt", Environment::Live, "api_key", &value).unwrap();
    assert_eq!(
        lookup(&address, &home, account).as_deref(),
        Some(value.expose()),
        "another desktop tool finds it in the keyring"
    );
    assert_eq!(
        keychain::load("acme-eur-usdt", Environment::Live, "api_key")
            .unwrap()
            .map(|v| v.expose().to_string())
            .as_deref(),
        Some(value.expose())
    );
    // One copy: not also in the kernel keyring (with the bus gone, nothing is found).
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    assert!(
        keychain::load("acme-eur-usdt", Environment::Live, "api_key")
            .unwrap()
            .is_none()
    );
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);

    keychain::forget("acme-eur-usdt", Environment::Live, "api_key").unwrap();
    assert_eq!(lookup(&address, &home, account), None, "forgotten");
    assert!(
        keychain::load("acme-eur-usdt", Environment::Live, "api_key")
            .unwrap()
            .is_none()
    );
}
