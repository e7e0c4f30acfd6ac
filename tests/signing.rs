//! Signing identities against the real OpenSSH tools: keys and signatures made by `ssh-keygen` are read and checked
//! by golive, golive's are checked by `ssh-keygen -Y verify`, and a real `ssh-agent` signs through golive's client.
//! These tests need openssh-client (scripts/install-system-deps.sh installs it) and fail, not skip, without it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use golive::signing::{
    discover_in, verify, AllowedSigner, AllowedSigners, CandidateSource, SignerKey, SigningError,
    PACKET_NAMESPACE, SIGNOFF_NAMESPACE,
};

const MESSAGE: &[u8] = b"{\"launch\":\"acme-eur-usdt\",\"role\":\"finance\",\"scope\":\"3f1c\"}\n";

/// Runs a tool, failing loudly when it is not installed.
fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {cmd:?}: {e}; these tests need openssh-client (`apt-get install openssh-client`, or \
             bash scripts/install-system-deps.sh)"
        )
    })
}

/// Runs a tool that must succeed; returns its stdout.
fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `ssh-keygen -t <type> -N <passphrase> -f <path>`.
fn keygen(path: &Path, key_type: &str, passphrase: &str, extra: &[&str]) {
    ok(Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            key_type,
            "-N",
            passphrase,
            "-C",
            "made-by@ssh-keygen",
            "-f",
        ])
        .arg(path)
        .args(extra));
}

/// `ssh-keygen -Y sign`; returns the armored signature it wrote.
fn keygen_sign(key: &Path, namespace: &str, message_file: &Path, extra: &[&str]) -> String {
    ok(Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(key)
        .args(extra)
        .arg(message_file));
    let sig = PathBuf::from(format!("{}.sig", message_file.display()));
    let text = fs::read_to_string(&sig).unwrap();
    fs::remove_file(sig).unwrap();
    text
}

/// `ssh-keygen -Y verify -f allowed -I principal -n namespace -s sig < message`; the whole output.
fn keygen_verify(
    dir: &Path,
    allowed: &str,
    principal: &str,
    namespace: &str,
    sig: &str,
    message: &[u8],
) -> Output {
    let allowed_path = dir.join("allowed_signers");
    let sig_path = dir.join("check.sig");
    let msg_path = dir.join("check.msg");
    fs::write(&allowed_path, allowed).unwrap();
    fs::write(&sig_path, sig).unwrap();
    fs::write(&msg_path, message).unwrap();
    run(Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed_path)
        .args(["-I", principal, "-n", namespace, "-s"])
        .arg(&sig_path)
        .stdin(fs::File::open(&msg_path).unwrap()))
}

fn assert_keygen_accepts(out: &Output) {
    assert!(
        out.status.success(),
        "ssh-keygen -Y verify refused: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_keygen_refuses(out: &Output) {
    assert!(
        !out.status.success(),
        "ssh-keygen -Y verify accepted: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The `SHA256:…` field of `ssh-keygen -lf <pub>`.
fn keygen_fingerprint(public: &Path) -> String {
    ok(Command::new("ssh-keygen").arg("-lf").arg(public))
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

fn pub_path(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", key.display()))
}

fn code<T: std::fmt::Debug>(r: Result<T, SigningError>) -> &'static str {
    r.unwrap_err().code()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn no_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn our_signature_verifies_with_ssh_keygen_and_matches_its_own_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("id_ed25519");
    let key = SignerKey::create(&key_path, "zoe@finance", None).unwrap();
    let sig = key.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap();
    assert!(
        sig.starts_with("-----BEGIN SSH SIGNATURE-----\n")
            && sig.ends_with("-----END SSH SIGNATURE-----\n")
    );

    // The allowed_signers file golive writes, with a display name as the principal, is one ssh-keygen reads.
    let mut allowed = AllowedSigners::new();
    allowed.push(
        AllowedSigner::new(["Zoë Kowalski", "zoe@finance"], &key.public_key_openssh())
            .unwrap()
            .with_namespaces([SIGNOFF_NAMESPACE])
            .unwrap(),
    );
    let text = allowed.to_text();
    assert_keygen_accepts(&keygen_verify(
        dir.path(),
        &text,
        "Zoë Kowalski",
        SIGNOFF_NAMESPACE,
        &sig,
        MESSAGE,
    ));
    assert_keygen_accepts(&keygen_verify(
        dir.path(),
        &text,
        "zoe@finance",
        SIGNOFF_NAMESPACE,
        &sig,
        MESSAGE,
    ));
    assert_keygen_refuses(&keygen_verify(
        dir.path(),
        &text,
        "Zoë",
        SIGNOFF_NAMESPACE,
        &sig,
        MESSAGE,
    ));
    assert_keygen_refuses(&keygen_verify(
        dir.path(),
        &text,
        "Zoë Kowalski",
        PACKET_NAMESPACE,
        &sig,
        MESSAGE,
    ));

    // Ed25519 is deterministic: ssh-keygen signing the same message with the key file golive wrote gives the very
    // same signature, so the two implementations agree on every byte of the format.
    let msg_path = dir.path().join("statement.json");
    fs::write(&msg_path, MESSAGE).unwrap();
    let theirs = keygen_sign(&key_path, SIGNOFF_NAMESPACE, &msg_path, &[]);
    assert_eq!(no_whitespace(&theirs), no_whitespace(&sig));
    assert_eq!(
        keygen_fingerprint(&pub_path(&key_path)),
        key.fingerprint(),
        "fingerprints agree"
    );
}

#[test]
fn ssh_keygen_signatures_verify_with_ours() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("key");
    keygen(&key_path, "ed25519", "", &[]);
    let msg_path = dir.path().join("message");
    fs::write(&msg_path, MESSAGE).unwrap();
    let expected = keygen_fingerprint(&pub_path(&key_path));

    let sig = keygen_sign(&key_path, SIGNOFF_NAMESPACE, &msg_path, &[]);
    let v = verify(&sig, SIGNOFF_NAMESPACE, MESSAGE).unwrap();
    assert_eq!(v.fingerprint, expected);
    assert_eq!(v.hash, "sha512");
    let public_line = fs::read_to_string(pub_path(&key_path)).unwrap();
    assert!(public_line.starts_with(&format!("{} ", v.public_key)));

    let sig256 = keygen_sign(
        &key_path,
        SIGNOFF_NAMESPACE,
        &msg_path,
        &["-O", "hashalg=sha256"],
    );
    let v = verify(&sig256, SIGNOFF_NAMESPACE, MESSAGE).unwrap();
    assert_eq!(
        (v.fingerprint.as_str(), v.hash),
        (expected.as_str(), "sha256")
    );

    // Our file loads too, and signs exactly as ssh-keygen did.
    let ours = SignerKey::from_file(&key_path, None).unwrap();
    assert_eq!(ours.fingerprint(), expected);
    assert_eq!(ours.comment(), "made-by@ssh-keygen");
    assert_eq!(
        no_whitespace(&ours.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap()),
        no_whitespace(&sig)
    );
}

#[test]
fn passphrase_protected_key_files() {
    let dir = tempfile::tempdir().unwrap();
    // ssh-keygen's default cipher (aes256-ctr) and the two AEAD ciphers it offers.
    for cipher in [
        None,
        Some("chacha20-poly1305@openssh.com"),
        Some("aes256-gcm@openssh.com"),
    ] {
        let key_path = dir
            .path()
            .join(format!("key-{}", cipher.unwrap_or("default")));
        let extra: Vec<&str> = cipher.map(|c| vec!["-Z", c]).unwrap_or_default();
        keygen(&key_path, "ed25519", "correct horse", &extra);

        let missing = SignerKey::from_file(&key_path, None).unwrap_err();
        assert_eq!(missing.code(), "passphrase_required", "{missing}");
        assert!(missing.to_string().contains("passphrase"));
        assert_eq!(
            code(SignerKey::from_file(&key_path, Some(""))),
            "passphrase_required"
        );
        let wrong = SignerKey::from_file(&key_path, Some("wrong horse")).unwrap_err();
        assert_eq!(wrong.code(), "wrong_passphrase", "{wrong}");

        let key = SignerKey::from_file(&key_path, Some("correct horse")).unwrap();
        assert_eq!(key.fingerprint(), keygen_fingerprint(&pub_path(&key_path)));
        let sig = key.sign(PACKET_NAMESPACE, MESSAGE).unwrap();
        let allowed = format!("packet@golive {}\n", key.public_key_openssh());
        assert_keygen_accepts(&keygen_verify(
            dir.path(),
            &allowed,
            "packet@golive",
            PACKET_NAMESPACE,
            &sig,
            MESSAGE,
        ));
    }
}

#[test]
fn other_key_types_and_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ecdsa = dir.path().join("id_ecdsa");
    keygen(&ecdsa, "ecdsa", "", &[]);
    let e = SignerKey::from_file(&ecdsa, None).unwrap_err();
    assert_eq!(e.code(), "unsupported_key_type");
    assert!(
        e.to_string().contains("ecdsa-sha2-nistp256") && e.to_string().contains("Ed25519"),
        "{e}"
    );

    let msg_path = dir.path().join("message");
    fs::write(&msg_path, MESSAGE).unwrap();
    let sig = keygen_sign(&ecdsa, SIGNOFF_NAMESPACE, &msg_path, &[]);
    let e = verify(&sig, SIGNOFF_NAMESPACE, MESSAGE).unwrap_err();
    assert_eq!(e.code(), "unsupported_key_type", "{e}");

    let ed = dir.path().join("id_ed25519");
    keygen(&ed, "ed25519", "", &[]);
    let e = SignerKey::from_file(pub_path(&ed), None).unwrap_err();
    assert_eq!(e.code(), "key_invalid");
    assert!(e.to_string().contains("public key"), "{e}");
    assert_eq!(
        code(SignerKey::from_file(dir.path().join("absent"), None)),
        "key_unreadable"
    );
    assert_eq!(
        code(SignerKey::from_file(dir.path(), None)),
        "key_unreadable",
        "a directory"
    );
    let big = dir.path().join("big");
    fs::write(&big, vec![b'a'; 2 * 1024 * 1024]).unwrap();
    assert_eq!(
        code(SignerKey::from_file(&big, None)),
        "key_unreadable",
        "too big to be a key"
    );
    assert_eq!(
        code(AllowedSigners::read(dir.path().join("absent"))),
        "allowed_signers_unreadable"
    );
    fs::write(dir.path().join("garbage"), b"\x00\x01binary").unwrap();
    assert_eq!(
        code(SignerKey::from_file(dir.path().join("garbage"), None)),
        "key_invalid"
    );
}

/// A real `ssh-agent` on a socket in a temporary directory, stopped when dropped.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path) -> Self {
        let socket = dir.join("agent.sock");
        // -D: stay in the foreground, so this process owns it and can stop it. A key added with `ssh-add -c` needs
        // a confirmation the agent asks through SSH_ASKPASS: /bin/false (and no display) always declines it.
        let child = Command::new("ssh-agent")
            .env("SSH_ASKPASS", "/bin/false")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start ssh-agent: {e}; install openssh-client"));
        let agent = Agent { child, socket };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !agent.socket.exists() {
            assert!(
                Instant::now() < deadline,
                "ssh-agent did not create its socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        agent
    }

    fn add(&self, key: &Path, extra: &[&str]) {
        ok(Command::new("ssh-add")
            .arg("-q")
            .args(extra)
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.socket)
            .env_remove("SSH_ASKPASS")
            .stdin(Stdio::null()));
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_real_ssh_agent_signs_through_our_client() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());

    // An ECDSA key first: the agent's first Ed25519 key is chosen, not its first key.
    let ecdsa = dir.path().join("id_ecdsa");
    keygen(&ecdsa, "ecdsa", "", &[]);
    let ed = dir.path().join("id_ed25519");
    keygen(&ed, "ed25519", "", &[]);
    assert_eq!(
        code(SignerKey::from_agent_socket(&agent.socket, None)),
        "agent_no_identity",
        "an empty agent"
    );
    agent.add(&ecdsa, &[]);
    let e = SignerKey::from_agent_socket(&agent.socket, None).unwrap_err();
    assert_eq!(e.code(), "agent_no_identity");
    assert!(e.to_string().contains("ecdsa-sha2-nistp256"), "{e}");
    agent.add(&ed, &[]);

    let ed_fingerprint = keygen_fingerprint(&pub_path(&ed));
    let key = SignerKey::from_agent_socket(&agent.socket, None).unwrap();
    assert_eq!(key.fingerprint(), ed_fingerprint);
    assert_eq!(key.comment(), "made-by@ssh-keygen");
    let by_fingerprint =
        SignerKey::from_agent_socket(&agent.socket, Some(&ed_fingerprint)).unwrap();
    assert_eq!(by_fingerprint.fingerprint(), ed_fingerprint);
    let ecdsa_fingerprint = keygen_fingerprint(&pub_path(&ecdsa));
    assert_eq!(
        code(SignerKey::from_agent_socket(
            &agent.socket,
            Some(&ecdsa_fingerprint)
        )),
        "unsupported_key_type"
    );
    assert_eq!(
        code(SignerKey::from_agent_socket(
            &agent.socket,
            Some("SHA256:notthere")
        )),
        "agent_no_identity"
    );

    let started = Instant::now();
    let sig = key.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap();
    println!("signing through ssh-agent: {:?}", started.elapsed());
    let allowed = format!("zoe@finance {}\n", key.public_key_openssh());
    assert_keygen_accepts(&keygen_verify(
        dir.path(),
        &allowed,
        "zoe@finance",
        SIGNOFF_NAMESPACE,
        &sig,
        MESSAGE,
    ));
    assert_eq!(
        verify(&sig, SIGNOFF_NAMESPACE, MESSAGE)
            .unwrap()
            .fingerprint,
        ed_fingerprint
    );
    // The agent's signature is the file's signature: same key, same deterministic Ed25519.
    let from_file = SignerKey::from_file(&ed, None).unwrap();
    assert_eq!(sig, from_file.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap());

    // discover lists the agent's Ed25519 key (not the ECDSA one) and the key file, reading no private key.
    let golive_key = dir.path().join("golive").join("id_ed25519");
    SignerKey::create(&golive_key, "golive-made", Some("pw")).unwrap();
    let found = discover_in(
        Some(&agent.socket),
        &[
            ed.clone(),
            ecdsa.clone(),
            golive_key.clone(),
            dir.path().join("none"),
        ],
    );
    let summary: Vec<(bool, String, bool)> = found
        .iter()
        .map(|c| {
            (
                matches!(c.source, CandidateSource::Agent { .. }),
                c.fingerprint.clone(),
                c.passphrase_protected,
            )
        })
        .collect();
    let golive_fingerprint = keygen_fingerprint(&pub_path(&golive_key));
    assert_eq!(
        summary,
        [
            (true, ed_fingerprint.clone(), false),
            (false, ed_fingerprint.clone(), false),
            (false, golive_fingerprint, true),
        ]
    );
    assert_eq!(found[2].comment, "golive-made");
    assert!(found[0].public_key.starts_with("ssh-ed25519 AAAA"));

    // A key the agent must have confirmed, and the confirmation is declined: refused, by its own code.
    let confirm = dir.path().join("id_confirm");
    keygen(&confirm, "ed25519", "", &[]);
    agent.add(&confirm, &["-c"]);
    let confirm_key = SignerKey::from_agent_socket(
        &agent.socket,
        Some(&keygen_fingerprint(&pub_path(&confirm))),
    )
    .unwrap();
    assert_eq!(
        code(confirm_key.sign(SIGNOFF_NAMESPACE, MESSAGE)),
        "agent_refused"
    );

    // Once the agent is gone, signing through it says so.
    drop(agent);
    assert_eq!(
        code(key.sign(SIGNOFF_NAMESPACE, MESSAGE)),
        "agent_unavailable"
    );
    assert_eq!(
        code(SignerKey::from_agent_socket(
            dir.path().join("agent.sock"),
            None
        )),
        "agent_unavailable"
    );
}

#[test]
fn tampering_and_signers_not_allowed_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zoe = SignerKey::create(dir.path().join("zoe"), "zoe", None).unwrap();
    let mallory = SignerKey::create(dir.path().join("mallory"), "mallory", None).unwrap();
    let sig = zoe.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap();

    // The message changed, the namespace differs, the signature text was damaged.
    assert_eq!(
        code(verify(&sig, SIGNOFF_NAMESPACE, b"{\"role\":\"support\"}")),
        "signature_invalid"
    );
    assert_eq!(
        code(verify(&sig, PACKET_NAMESPACE, MESSAGE)),
        "namespace_mismatch"
    );
    assert_eq!(
        code(verify(
            "-----BEGIN SSH SIGNATURE-----\n!!\n-----END SSH SIGNATURE-----",
            SIGNOFF_NAMESPACE,
            MESSAGE
        )),
        "signature_malformed"
    );
    let lines: Vec<&str> = sig.lines().collect();
    let mut damaged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let last = damaged.len() - 2;
    damaged[last] = damaged[last].chars().rev().collect();
    assert!(verify(&damaged.join("\n"), SIGNOFF_NAMESPACE, MESSAGE).is_err());

    let now = at("2026-03-01T12:00:00Z");
    let allowed = AllowedSigners::parse(
        "allowed_signers",
        &format!(
            "# who signs for finance\n\
             \"Zoë Kowalski\" namespaces=\"{SIGNOFF_NAMESPACE}\" {}\n\
             packet-bot namespaces=\"{PACKET_NAMESPACE}\" {}\n\
             former@finance valid-before=\"20250101Z\" {}\n",
            zoe.public_key_openssh(),
            mallory.public_key_openssh(),
            mallory.public_key_openssh(),
        ),
    )
    .unwrap();
    let text = allowed.to_text();
    assert_eq!(AllowedSigners::parse("again", &text).unwrap(), allowed);

    // Zoë's signature is allowed for her principal; mallory's key is not hers.
    let v = allowed
        .verify(&sig, SIGNOFF_NAMESPACE, MESSAGE, "Zoë Kowalski", now)
        .unwrap();
    assert_eq!(v.fingerprint, zoe.fingerprint());
    assert_eq!(allowed.principals_for(&v.public_key), ["Zoë Kowalski"]);
    let forged = mallory.sign(SIGNOFF_NAMESPACE, MESSAGE).unwrap();
    let e = allowed
        .verify(&forged, SIGNOFF_NAMESPACE, MESSAGE, "Zoë Kowalski", now)
        .unwrap_err();
    assert_eq!(e.code(), "signer_not_allowed");
    assert!(e.to_string().contains(&mallory.fingerprint()), "{e}");
    assert_keygen_refuses(&keygen_verify(
        dir.path(),
        &text,
        "Zoë Kowalski",
        SIGNOFF_NAMESPACE,
        &forged,
        MESSAGE,
    ));
    assert_keygen_accepts(&keygen_verify(
        dir.path(),
        &text,
        "Zoë Kowalski",
        SIGNOFF_NAMESPACE,
        &sig,
        MESSAGE,
    ));

    // namespaces= restricts: mallory's key signs packets as packet-bot, never signoffs.
    assert!(!allowed.allows(
        "packet-bot",
        &mallory.public_key_openssh(),
        SIGNOFF_NAMESPACE,
        now
    ));
    assert_keygen_refuses(&keygen_verify(
        dir.path(),
        &text,
        "packet-bot",
        SIGNOFF_NAMESPACE,
        &forged,
        MESSAGE,
    ));
    let packet_sig = mallory.sign(PACKET_NAMESPACE, MESSAGE).unwrap();
    assert!(allowed
        .verify(&packet_sig, PACKET_NAMESPACE, MESSAGE, "packet-bot", now)
        .is_ok());
    assert_keygen_accepts(&keygen_verify(
        dir.path(),
        &text,
        "packet-bot",
        PACKET_NAMESPACE,
        &packet_sig,
        MESSAGE,
    ));

    // valid-before in the past: no longer allowed (ssh-keygen checks against the current time).
    assert_eq!(
        code(allowed.verify(&forged, SIGNOFF_NAMESPACE, MESSAGE, "former@finance", now)),
        "signer_not_allowed"
    );
    assert!(allowed.allows(
        "former@finance",
        &mallory.public_key_openssh(),
        SIGNOFF_NAMESPACE,
        at("2024-12-31T00:00:00Z")
    ));
    assert_keygen_refuses(&keygen_verify(
        dir.path(),
        &text,
        "former@finance",
        SIGNOFF_NAMESPACE,
        &forged,
        MESSAGE,
    ));
}

#[test]
fn allowed_signers_problems_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let zoe = SignerKey::create(dir.path().join("zoe"), "zoe", None).unwrap();
    let path = dir.path().join("allowed_signers");
    fs::write(
        &path,
        format!(
            "ok@x {key}\n\
             \n\
             ca@x cert-authority {key}\n\
             old@x valid-before=\"2025-01-01\" {key}\n",
            key = zoe.public_key_openssh()
        ),
    )
    .unwrap();
    let e = AllowedSigners::read(&path).unwrap_err();
    assert_eq!(e.code(), "allowed_signers_invalid");
    let shown = path.display().to_string();
    let message = e.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines[0],
        format!("2 problems in {shown}; no signer was read from it")
    );
    assert!(
        lines[1].starts_with(&format!("{shown}:3:6: cert-authority is not supported")),
        "{message}"
    );
    assert!(
        lines[2].starts_with(&format!("{shown}:4:20: '2025-01-01' is not a time")),
        "{message}"
    );
    let invalid: golive::error::InvalidInput = e.into();
    assert_eq!(
        (invalid.code, invalid.field),
        ("allowed_signers_invalid", "allowed_signers")
    );
}

#[cfg(unix)]
#[test]
fn create_writes_private_files_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir
        .path()
        .join("config")
        .join("golive")
        .join("signing")
        .join("id_ed25519");
    let key = SignerKey::create(&key_path, "Zoë Kowalski", Some("pass")).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key_path), 0o600);
    // 0644 as asked; the process umask may take more away, never add.
    assert_eq!(mode(&pub_path(&key_path)) & !0o644, 0);
    assert_eq!(mode(key_path.parent().unwrap()), 0o700);
    assert_eq!(mode(&dir.path().join("config")), 0o700);
    assert!(fs::read_to_string(&key_path)
        .unwrap()
        .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    let public_line = fs::read_to_string(pub_path(&key_path)).unwrap();
    assert_eq!(public_line, format!("{}\n", key.public_key_openssh()));
    assert!(public_line.ends_with(" Zoë Kowalski\n"));

    // ssh-keygen opens it with the passphrase, and only with it.
    let derived = ok(Command::new("ssh-keygen")
        .args(["-y", "-P", "pass", "-f"])
        .arg(&key_path));
    assert_eq!(
        derived.split_whitespace().take(2).collect::<Vec<_>>(),
        public_line.split_whitespace().take(2).collect::<Vec<_>>()
    );
    assert!(!run(Command::new("ssh-keygen")
        .args(["-y", "-P", "wrong", "-f"])
        .arg(&key_path))
    .status
    .success());
    assert_eq!(
        code(SignerKey::from_file(&key_path, None)),
        "passphrase_required"
    );
    assert_eq!(
        SignerKey::from_file(&key_path, Some("pass"))
            .unwrap()
            .fingerprint(),
        key.fingerprint()
    );

    // Never overwrites: not the key, not a lone .pub; the existing files are untouched.
    let before = fs::read(&key_path).unwrap();
    assert_eq!(
        code(SignerKey::create(&key_path, "again", None)),
        "key_exists"
    );
    assert_eq!(fs::read(&key_path).unwrap(), before);
    let lone = dir.path().join("lone");
    fs::write(pub_path(&lone), "ssh-ed25519 AAAA\n").unwrap();
    assert_eq!(code(SignerKey::create(&lone, "x", None)), "key_exists");
    assert!(!lone.exists());
    assert_eq!(
        code(SignerKey::create(
            dir.path().join("bad"),
            "two\nlines",
            None
        )),
        "invalid_key_comment"
    );

    // Without a passphrase, ssh-keygen reads it with none.
    let plain = dir.path().join("plain");
    SignerKey::create(&plain, "", None).unwrap();
    ok(Command::new("ssh-keygen")
        .args(["-y", "-P", "", "-f"])
        .arg(&plain));
}

/// Prints what one signature and one check cost, and holds them to the 50 ms target. The median of many calls is
/// compared, so a busy machine (tests run in parallel) does not fail it; unoptimized test builds run the curve
/// arithmetic several times slower than the app's release build, so they get a looser bound.
#[test]
fn sign_and_verify_are_fast() {
    let dir = tempfile::tempdir().unwrap();
    let key = SignerKey::create(dir.path().join("k"), "bench", None).unwrap();
    let rounds = 100;
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let mut sigs = Vec::with_capacity(rounds);
    let mut sign_times = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let started = Instant::now();
        sigs.push(
            key.sign(SIGNOFF_NAMESPACE, format!("{i}").as_bytes())
                .unwrap(),
        );
        sign_times.push(started.elapsed());
    }
    let mut verify_times = Vec::with_capacity(rounds);
    for (i, sig) in sigs.iter().enumerate() {
        let started = Instant::now();
        verify(sig, SIGNOFF_NAMESPACE, format!("{i}").as_bytes()).unwrap();
        verify_times.push(started.elapsed());
    }
    let (sign, verify_each) = (median(sign_times), median(verify_times));

    let protected = dir.path().join("protected");
    SignerKey::create(&protected, "bench", Some("pw")).unwrap();
    let started = Instant::now();
    SignerKey::from_file(&protected, Some("pw")).unwrap();
    let unlock = started.elapsed();
    let build = if cfg!(debug_assertions) {
        "unoptimized test build"
    } else {
        "optimized build"
    };
    println!(
        "{build}: sign {sign:?}, verify {verify_each:?} (median of {rounds}); unlocking a passphrase-protected key \
         file (bcrypt-pbkdf, 16 rounds, once per session): {unlock:?}"
    );
    let bound = Duration::from_millis(if cfg!(debug_assertions) { 250 } else { 50 });
    assert!(sign < bound, "signing took {sign:?}");
    assert!(verify_each < bound, "verifying took {verify_each:?}");
}
