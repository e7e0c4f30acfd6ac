//! The desktop app end to end: the real binary in a real window under Xvfb, driven through WebDriver
//! (tauri-driver in front of WebKitWebDriver). It creates a launch, records evidence, marks an item done and sees
//! the role's progress change; then a second writer (as the CLI would be) changes the database and the open
//! screen follows. A screenshot of each screen is kept in `target/e2e-artifacts/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use golive::checklist::evidence::{EvidenceKind, NewEvidence};
use golive::checklist::item::SetItemStatus;
use golive::{ItemStatus, Role, Workspace};

struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn require(tool: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("{tool} is not installed; run scripts/install-system-deps.sh (the README's test command does)")
    })
}

/// Starts Xvfb on the first free display number and returns it with its process.
fn start_xvfb() -> (String, Child) {
    let xvfb = require("Xvfb");
    for n in 90..140 {
        if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            || Path::new(&format!("/tmp/.X{n}-lock")).exists()
        {
            continue;
        }
        let display = format!(":{n}");
        let mut child = Command::new(&xvfb)
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (display, child);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start Xvfb on any display from :90 to :139");
}

async fn connect(port: u16, app: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("tauri-driver did not accept a session within 30 s: {e}"),
        }
    }
}

async fn css(c: &Client, selector: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector} did not appear: {e}"))
}

async fn text_of(c: &Client, selector: &str) -> String {
    css(c, selector).await.text().await.unwrap()
}

/// Polls until `selector`'s text satisfies `ok`, returning the last text seen.
async fn wait_text(c: &Client, selector: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let text = match c.find(Locator::Css(selector)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if ok(&text) {
            return text;
        }
        if started.elapsed() > Duration::from_secs(15) {
            panic!("{selector}: waited 15 s for {what}; last text: {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Captures the X display the app's window is on. WebKitWebDriver's own screenshot command never answers under Xvfb
/// (no compositor), so the picture is taken from the X server, as a person's screenshot tool would.
async fn screenshot(c: &Client, display: &str, name: &str) {
    // Let two animation frames pass so the picture shows the last update.
    c.execute_async(
        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .unwrap();
    let path = artifacts_dir().join(format!("{name}.png"));
    let status = Command::new(require("import"))
        .args([
            "-display",
            display,
            "-window",
            "root",
            path.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success(), "import could not capture {display}");
    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 5_000,
        "{name} is a real PNG"
    );
}

async fn fill(c: &Client, selector: &str, value: &str) {
    let el = css(c, selector).await;
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

async fn go(c: &Client, hash: &str) {
    c.execute(
        "location.hash = arguments[0];",
        vec![serde_json::json!(hash)],
    )
    .await
    .unwrap();
}

fn percent(text: &str) -> u32 {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a percentage: {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_launch_record_evidence_and_see_progress_move() {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_golive-desktop"));
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("golive.sqlite");

    let (display, xvfb) = start_xvfb();
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(require("tauri-driver"))
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &display)
        .env("GOLIVE_DB", &db)
        .env("GOLIVE_ACTOR", "launch_mgr")
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _reaper = Reaper(vec![xvfb, driver]);

    let c = connect(port, &app).await;

    // Launches list, empty.
    css(&c, "[data-testid='new-launch']").await;
    screenshot(&c, &display, "01-launches-empty").await;

    // New-launch form.
    css(&c, "[data-testid='new-launch']")
        .await
        .click()
        .await
        .unwrap();
    fill(&c, "#launch-name", "Acme EUR-USDT").await;
    fill(&c, "#partner-id", "partner_123").await;
    css(&c, "#product-surface")
        .await
        .select_by_value("0pools")
        .await
        .unwrap();
    css(
        &c,
        "input[name='template'][value='0pools-sandbox-to-production']",
    )
    .await
    .click()
    .await
    .unwrap();
    fill(&c, "#sandbox-api", "http://127.0.0.1:9000").await;
    fill(&c, "#live-api", "https://api.example.com").await;
    fill(&c, "#live-webhook", "https://hooks.acme.example/0pools").await;
    fill(&c, "#owner-finance", "finance_ops").await;
    fill(&c, "#private-terms", "LiquidityProviderX").await;

    // A bad live URL is refused with the core's reason and the form keeps its input.
    fill(&c, "#live-api", "http://api.example.com").await;
    css(&c, "[data-testid='create-launch']")
        .await
        .click()
        .await
        .unwrap();
    let error = text_of(&c, "[data-testid='form-error']").await;
    assert!(error.contains("HTTPS"), "{error}");
    assert_eq!(
        css(&c, "#launch-name")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Acme EUR-USDT")
    );
    screenshot(&c, &display, "02-new-launch-error").await;
    fill(&c, "#live-api", "https://api.example.com").await;
    css(&c, "[data-testid='create-launch']")
        .await
        .click()
        .await
        .unwrap();

    // Overview with per-role progress.
    let before = percent(&text_of(&c, "[data-testid='role-percent-finance']").await);
    assert_eq!(before, 0);
    assert!(
        c.find_all(Locator::Css("[data-testid='blocker']"))
            .await
            .unwrap()
            .len()
            > 3
    );
    screenshot(&c, &display, "03-overview").await;

    // The role walkthrough, on a finance item that accepts an attestation.
    let ws = Workspace::open(&db, "finance_ops").unwrap();
    let launch = ws.launches().unwrap().remove(0);
    assert_eq!(launch.id, "acme-eur-usdt");
    let finance = ws.items(&launch.id, Some(Role::Finance)).unwrap();
    let target = finance
        .iter()
        .find(|i| {
            i.accepts
                .iter()
                .any(|a| a.kind == EvidenceKind::Attestation)
        })
        .expect("a finance item accepts an attestation")
        .clone();
    css(&c, "[data-testid='walk-finance']")
        .await
        .click()
        .await
        .unwrap();
    css(&c, "[data-testid='item-title']").await;
    go(
        &c,
        &format!("#/launch/{}/role/finance?item={}", launch.id, target.id),
    )
    .await;
    wait_text(&c, "[data-testid='item-title']", "the chosen item", |t| {
        t.contains(&target.title)
    })
    .await;
    let guidance = text_of(&c, "[data-testid='item-guidance']").await;
    assert!(
        guidance.contains(&target.guidance[..20.min(target.guidance.len())]),
        "{guidance}"
    );

    css(&c, "#evidence-kind")
        .await
        .select_by_value("attestation")
        .await
        .unwrap();
    fill(
        &c,
        "#evidence-value",
        "Funding balance confirmed with the provider's finance team",
    )
    .await;
    css(&c, "[data-testid='add-evidence']")
        .await
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while c
        .find_all(Locator::Css("[data-testid='evidence-row']"))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the evidence row did not appear"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    css(&c, "[data-testid='status-done']")
        .await
        .click()
        .await
        .unwrap();
    wait_text(&c, "[data-testid='item-status']", "done", |t| {
        t.to_lowercase().contains("done")
    })
    .await;
    screenshot(&c, &display, "04-walkthrough").await;

    let stored = ws.item(target.id).unwrap();
    assert_eq!(
        stored.status,
        ItemStatus::Done,
        "the click reached the database"
    );
    assert_eq!(stored.accepted_evidence, 1);

    // Back on the overview, the finance role moved.
    go(&c, &format!("#/launch/{}", launch.id)).await;
    let after = percent(
        &wait_text(
            &c,
            "[data-testid='role-percent-finance']",
            "a higher percentage",
            |t| {
                t.trim_end_matches('%')
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|p| p > before)
            },
        )
        .await,
    );
    screenshot(&c, &display, "05-overview-progress").await;

    // Another writer (the CLI, in real life) changes the database; the open screen follows without a reload.
    let mut other = Workspace::open(&db, "finance_ops").unwrap();
    let next = finance
        .iter()
        .find(|i| {
            i.id != target.id
                && i.accepts
                    .iter()
                    .any(|a| a.kind == EvidenceKind::Attestation)
        })
        .expect("a second finance item accepts an attestation");
    other
        .add_evidence(&NewEvidence {
            item_id: next.id,
            kind: EvidenceKind::Attestation,
            identifier_type: None,
            value: "Recorded from the command line".into(),
            note: None,
            environment: Some(next.environment),
            supersedes: None,
        })
        .unwrap();
    other
        .set_item_status(&SetItemStatus {
            item_id: next.id,
            status: ItemStatus::Done,
            reason: None,
        })
        .unwrap();
    wait_text(
        &c,
        "[data-testid='role-percent-finance']",
        "the CLI's change",
        |t| {
            t.trim_end_matches('%')
                .trim()
                .parse::<u32>()
                .is_ok_and(|p| p > after)
        },
    )
    .await;
    screenshot(&c, &display, "06-overview-after-cli").await;

    c.close().await.unwrap();
}
