//! `golive key`, `golive signers`, `golive slip` and the key options of `golive signoff`: signing keys, who may sign
//! for each role, and signoffs signed away from the workspace.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use golive::checklist::input_file;
use golive::signing::{self, SignerKey};
use golive::signoff::signers::NewSigner;
use golive::signoff::statement::Slip;
use golive::signoff::SignoffDecision;
use golive::{Error, Role, Workspace};

use crate::{emit, human, output, parse, Cli, Command};

/// The environment variable a key's passphrase may come from (never an argument: arguments show in `ps`).
pub const PASSPHRASE_ENV: &str = "GOLIVE_KEY_PASSPHRASE";

/// Which key signs: a private key file, or a key held by the running ssh-agent.
#[derive(Args, Clone, Default)]
pub struct KeyChoice {
    /// An OpenSSH Ed25519 private key file (passphrase from GOLIVE_KEY_PASSPHRASE).
    #[arg(long = "key", conflicts_with = "agent")]
    pub key: Option<PathBuf>,
    /// Sign with a key held by ssh-agent (SSH_AUTH_SOCK); --fingerprint picks one.
    #[arg(long)]
    pub agent: bool,
    /// With --agent: the key's SHA256:… fingerprint.
    #[arg(long, requires = "agent")]
    pub fingerprint: Option<String>,
}

impl KeyChoice {
    pub fn given(&self) -> bool {
        self.key.is_some() || self.agent
    }

    pub fn load(&self) -> Result<SignerKey, Error> {
        let loaded = if self.agent {
            SignerKey::from_agent(self.fingerprint.as_deref())
        } else if let Some(path) = &self.key {
            let passphrase = std::env::var(PASSPHRASE_ENV).ok();
            SignerKey::from_file(path, passphrase.as_deref())
        } else {
            return Err(golive::error::InvalidInput::coded(
                "key_required",
                "key",
                "a signoff is signed: pass --key <private key file> or --agent (`golive key list` shows your \
                 keys; `golive key create` makes one)",
            )
            .into());
        };
        loaded.map_err(|e| Error::Invalid(e.into()))
    }
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// List the signing keys found: ssh-agent identities and key files (nothing is decrypted).
    List,
    /// Create an Ed25519 signing key (an OpenSSH key file; encrypted when GOLIVE_KEY_PASSPHRASE is set).
    Create {
        /// Where to write it (default: the app's own key path).
        #[arg(long)]
        path: Option<PathBuf>,
        /// The key's comment, usually your name.
        #[arg(long)]
        comment: String,
    },
}

#[derive(Subcommand)]
pub enum SignersCmd {
    /// The keys allowed to sign for each role of a launch.
    List { launch: String },
    /// Allow a key to sign for a role, under the name its signoffs will carry.
    Add {
        launch: String,
        #[arg(long)]
        role: String,
        /// The signer's name as signoffs show it: `zoe.kowalski` or `zoe@finance.example`.
        #[arg(long)]
        principal: String,
        /// The public key file (`id_ed25519.pub`).
        #[arg(long = "key")]
        key: PathBuf,
    },
    /// Stop a key from signing for a role (its signoffs stop counting).
    Remove {
        launch: String,
        #[arg(long)]
        role: String,
        /// The key's SHA256:… fingerprint, as `signers list` shows it.
        #[arg(long)]
        fingerprint: String,
    },
    /// Print a role's allowed keys as an OpenSSH allowed_signers file, for `ssh-keygen -Y verify -f`.
    File {
        launch: String,
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
pub enum SlipCmd {
    /// Sign a role's signoff from an exported packet, on your own machine, into a small slip file.
    Sign {
        /// The exported packet (JSON) whose role section you reviewed.
        packet: PathBuf,
        #[arg(long)]
        role: String,
        #[arg(long)]
        statement: String,
        /// Reject instead of approve (needs --reason).
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        key: KeyChoice,
        /// Where to write the slip.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a slip into the workspace: its signature, key and scope are checked.
    Import { slip: PathBuf },
}

pub fn key(cmd: KeyCmd, json: bool) -> Result<ExitCode, Error> {
    match cmd {
        KeyCmd::List => emit(json, &signing::discover(), |list| {
            if list.is_empty() {
                return "no signing keys found; create one with `golive key create --comment \"Your Name\"`\n"
                    .into();
            }
            list.iter()
                .map(|c| {
                    format!(
                        "{}  {}  {}{}\n",
                        c.fingerprint,
                        c.comment,
                        match &c.source {
                            signing::CandidateSource::Agent { .. } => "ssh-agent".to_string(),
                            signing::CandidateSource::File { path } => path.display().to_string(),
                        },
                        if c.passphrase_protected {
                            " (passphrase)"
                        } else {
                            ""
                        }
                    )
                })
                .collect()
        }),
        KeyCmd::Create { path, comment } => {
            let path = path.or_else(signing::default_key_path).ok_or_else(|| {
                golive::error::InvalidInput::new("path", "no default key path here; pass --path")
            })?;
            let passphrase = std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty());
            let key = SignerKey::create(&path, &comment, passphrase.as_deref())
                .map_err(|e| Error::Invalid(e.into()))?;
            let made = serde_json::json!({
                "path": path.display().to_string(),
                "public_key": key.public_key_openssh(),
                "fingerprint": key.fingerprint(),
                "passphrase_protected": passphrase.is_some(),
            });
            emit(json, &made, |m| {
                format!(
                    "created {} ({}){}\npublic key: {}\ngive the public key to the launch manager: \
                     golive signers add <launch> --role <role> --principal <name> --key {}.pub\n",
                    m["path"].as_str().unwrap_or_default(),
                    m["fingerprint"].as_str().unwrap_or_default(),
                    if passphrase.is_some() { ", passphrase-protected" } else { "" },
                    m["public_key"].as_str().unwrap_or_default(),
                    m["path"].as_str().unwrap_or_default(),
                )
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn signers(ws: &mut Workspace, cmd: SignersCmd, json: bool) -> Result<ExitCode, Error> {
    match cmd {
        SignersCmd::List { launch } => emit(json, &ws.signers(&launch)?, |list| {
            if list.is_empty() {
                return "no keys may sign for this launch yet; add them with `golive signers add`\n".into();
            }
            list.iter()
                .map(|s| {
                    format!(
                        "{:<12} {:<24} {}\n",
                        s.role.as_str(),
                        s.principal,
                        s.fingerprint
                    )
                })
                .collect()
        }),
        SignersCmd::Add {
            launch,
            role,
            principal,
            key,
        } => {
            let public_key = input_file::read_text(&key, 16 * 1024, "public key files", None)?;
            let added = ws.add_signer(&NewSigner {
                launch_id: launch,
                role: parse(&role)?,
                principal,
                public_key,
            })?;
            emit(json, &added, |s| {
                format!(
                    "{} may now sign for {} ({})\n",
                    s.principal, s.role, s.fingerprint
                )
            })
        }
        SignersCmd::Remove {
            launch,
            role,
            fingerprint,
        } => {
            let role: Role = parse(&role)?;
            ws.remove_signer(&launch, role, &fingerprint)?;
            emit(json, &serde_json::json!({ "removed": fingerprint }), |_| {
                format!("{fingerprint} may no longer sign for {role}\n")
            })
        }
        SignersCmd::File { launch, role } => {
            output::out(&ws.allowed_signers_file(&launch, parse(&role)?)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `slip sign` needs no workspace: everything comes from the packet, whose integrity is checked first.
pub fn slip_sign(cmd: &SlipCmd, json: bool) -> Option<Result<ExitCode, Error>> {
    let SlipCmd::Sign {
        packet,
        role,
        statement,
        reject,
        reason,
        key,
        out,
    } = cmd
    else {
        return None;
    };
    Some((|| {
        let bytes = input_file::read(packet, input_file::MAX_PACKET_BYTES, None)
            .map_err(|e| e.into_invalid(packet, "packets", "packet", "file_unreadable"))?;
        let role: Role = parse(role)?;
        let key = key.load()?;
        let statement = golive::signoff::from_packet::statement(
            &bytes,
            role,
            if *reject {
                SignoffDecision::Reject
            } else {
                SignoffDecision::Approve
            },
            statement,
            reason.as_deref(),
            &key,
            &golive::clock::format_time(chrono::Utc::now()),
        )?;
        let slip = Slip::new(statement, &key)?;
        golive::packet::export::write_atomically(out, slip.to_json().as_bytes())?;
        emit(json, &slip, |s| {
            format!(
                "signed {} for {} as {} ({}) into {}; send it to the launch manager: golive slip import {}\n",
                s.statement.decision.as_str(),
                s.statement.role,
                s.statement.signer,
                s.statement.key_fingerprint,
                out.display(),
                out.display()
            )
        });
        Ok(ExitCode::SUCCESS)
    })())
}

pub fn slip_import(ws: &mut Workspace, cmd: SlipCmd, json: bool) -> Result<ExitCode, Error> {
    let SlipCmd::Import { slip } = cmd else {
        unreachable!("slip sign is handled without a workspace")
    };
    let text = input_file::read_text(&slip, 256 * 1024, "slips", Some(&ws.workspace_files()))?;
    let slip = Slip::parse(&text)?;
    let signoff = ws.import_slip(&slip)?;
    emit(json, &signoff, |s| human::signoffs(std::slice::from_ref(s)));
    Ok(ExitCode::SUCCESS)
}

/// `golive verify`: the seal, then the signature and who made it, then (with a workspace) the audit head.
pub fn verify_packet(cli: &Cli, json: bool) -> Result<ExitCode, Error> {
    let Command::Verify {
        file,
        signature,
        allowed_signers,
        integrity_only,
    } = &cli.command
    else {
        unreachable!("called for verify only")
    };
    let bytes = input_file::read(file, input_file::MAX_PACKET_BYTES, None)
        .map_err(|e| e.into_invalid(file, "packets", "file", "file_unreadable"))?;
    let integrity = golive::packet::integrity::verify(&bytes);
    let sig_path = signature
        .clone()
        .unwrap_or_else(|| golive::packet::signature::signature_path(file));
    let sig_text = if sig_path.exists() {
        Some(input_file::read_text(
            &sig_path,
            64 * 1024,
            "signatures",
            None,
        )?)
    } else {
        None
    };
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    // Trust: an allowed_signers file given, else the launch's signers in the workspace, when there is one.
    let db = cli
        .db
        .clone()
        .unwrap_or_else(golive::store::default_db_path);
    let ws = if allowed_signers.is_none() && db.exists() {
        Some(Workspace::open_existing(&db, "verifier")?)
    } else {
        None
    };
    let launch_id = doc
        .pointer("/launch/id")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let trust = match (allowed_signers, &ws) {
        (Some(path), _) => {
            Some(signing::AllowedSigners::read(path).map_err(|e| Error::Invalid(e.into()))?)
        }
        (None, Some(ws)) if !launch_id.is_empty() => ws.packet_trust(launch_id).ok(),
        _ => None,
    };
    let signature = golive::packet::signature::check(&bytes, sig_text.as_deref(), trust.as_ref());
    let audit_head_known = match &ws {
        Some(ws) => {
            let seq = doc
                .pointer("/integrity/audit_head_seq")
                .and_then(|v| v.as_i64());
            let hash = doc
                .pointer("/integrity/audit_head_hash")
                .and_then(|v| v.as_str());
            match (seq, hash) {
                (Some(seq), Some(hash)) => Some(ws.knows_audit_head(seq, hash)?),
                _ => Some(false),
            }
        }
        None => None,
    };
    let passed = integrity.intact
        && audit_head_known != Some(false)
        && (*integrity_only || (signature.valid && signature.trusted == Some(true)));
    let report = serde_json::json!({
        "passed": passed,
        "integrity": integrity,
        "signature": signature,
        "audit_head_in_workspace": audit_head_known,
        "integrity_only": integrity_only,
    });
    emit(json, &report, |_| {
        human::packet_check(
            &integrity,
            &signature,
            audit_head_known,
            *integrity_only,
            passed,
        )
    });
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
