//! `leuko serve`: the HTTP service (CDS Hooks, REST, FHIR facade) over a stored patient history.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use leuko_core::AssessConfig;
use serde::Deserialize;

use crate::site;

/// Demo patients loaded by `--demo` (see `test_data/PROVENANCE.md`).
const DEMO: [(&str, &str); 5] = [
    ("demo/patient.json", include_str!("../test_data/demo/patient.json")),
    ("demo/clozapine-series.json", include_str!("../test_data/demo/clozapine-series.json")),
    ("series/series-clozapine-1998.json", include_str!("../test_data/series/series-clozapine-1998.json")),
    (
        "series/series-deferiprone-pmc3200417.json",
        include_str!("../test_data/series/series-deferiprone-pmc3200417.json"),
    ),
    ("series/series-ceftriaxone-2019.json", include_str!("../test_data/series/series-ceftriaxone-2019.json")),
];

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEUKO_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Storage: `sqlite:PATH` (the default, `sqlite:leuko.db` in the working directory) or
    /// `postgres://…`.
    #[arg(long, env = "LEUKO_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The URL clients reach the service by (the JWT audience); default `http://<listen>`.
    #[arg(long, env = "LEUKO_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Configuration file (TOML; see docs/service.md): listen, database, public_url, dev,
    /// site intervals and the trusted CDS Hooks issuers with their keys.
    #[arg(long, env = "LEUKO_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Load the bundled demo patients into the store at start-up.
    #[arg(long, env = "LEUKO_DEMO")]
    demo: bool,
    /// Also receive HL7 v2 results over MLLP on this address, into the same store.
    #[arg(long, env = "LEUKO_MLLP", value_name = "ADDR")]
    mllp: Option<SocketAddr>,
    /// The site's table of local result codes for the MLLP feed (TOML `[codes]`; optional
    /// `[patients]`, see docs/service.md).
    #[arg(long, value_name = "FILE")]
    site_codes: Option<PathBuf>,
    /// Development mode: CDS Hooks authentication OFF. Never in production.
    #[arg(long, env = "LEUKO_DEV")]
    dev: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    database: Option<String>,
    public_url: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    demo: bool,
    site: Option<PathBuf>,
    body_limit_bytes: Option<usize>,
    timeout_seconds: Option<u64>,
    #[serde(default)]
    issuer: Vec<FileIssuer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIssuer {
    iss: String,
    /// A JWKS file, relative to the configuration file.
    jwks_file: Option<PathBuf>,
    /// `jku` URLs this issuer may name.
    #[serde(default)]
    jku: Vec<String>,
}

fn issuers(config: &FileConfig, base: &Path) -> anyhow::Result<Vec<leuko_server::Issuer>> {
    config
        .issuer
        .iter()
        .map(|issuer| {
            let keys = match (&issuer.jwks_file, issuer.jku.is_empty()) {
                (Some(file), _) => {
                    let path = base.join(file);
                    let text =
                        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                    let set =
                        serde_json::from_str(&text).with_context(|| format!("{} is not a JWKS", path.display()))?;
                    leuko_server::TrustedKeys::Jwks(set)
                }
                (None, false) => leuko_server::TrustedKeys::Jku(issuer.jku.clone()),
                (None, true) => bail!("issuer {:?} needs jwks_file or jku", issuer.iss),
            };
            Ok(leuko_server::Issuer { iss: issuer.iss.clone(), keys })
        })
        .collect()
}

pub(crate) fn run(kb_dir: Option<&Path>, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let kb: &'static leuko_core::KnowledgeBase = match kb_dir {
        Some(_) => Box::leak(Box::new(crate::kb::load(kb_dir)?)),
        None => leuko_kb::bundled(),
    };
    let (file, base) = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let file: FileConfig =
                toml::from_str(&text).with_context(|| format!("{} is not a valid configuration", path.display()))?;
            (file, path.parent().map(Path::to_path_buf).unwrap_or_default())
        }
        None => (FileConfig::default(), PathBuf::new()),
    };
    let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let database = args.database.clone().or(file.database.clone()).unwrap_or_else(|| "sqlite:leuko.db".to_owned());
    let dev = args.dev || file.dev;
    let demo = args.demo || file.demo;
    let site_intervals = match &file.site {
        Some(path) => site::read(&base.join(path))?,
        None => Vec::new(),
    };
    let mut config = leuko_server::Config {
        public_url: args.public_url.clone().or(file.public_url.clone()).unwrap_or_else(|| format!("http://{listen}")),
        dev,
        issuers: issuers(&file, &base)?,
        assess: AssessConfig::with_site_intervals(site_intervals),
        ..leuko_server::Config::default()
    };
    if let Some(limit) = file.body_limit_bytes {
        config.body_limit = limit;
    }
    if let Some(seconds) = file.timeout_seconds {
        config.timeout = std::time::Duration::from_secs(seconds);
    }
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("LEUKO_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        if dev {
            tracing::warn!("DEVELOPMENT MODE: CDS Hooks authentication is OFF; never expose this service");
            eprintln!("leuko serve: DEVELOPMENT MODE — CDS Hooks authentication is OFF; never expose this service");
        }
        let store =
            leuko_store::Store::open(&database).await.with_context(|| format!("cannot open the store {database}"))?;
        if demo {
            for (name, text) in DEMO {
                let count =
                    leuko_server::load_bundle(&store, text).await.map_err(|e| anyhow::anyhow!("demo {name}: {e}"))?;
                tracing::info!(demo = name, resources = count, "demo data loaded");
            }
        }
        if let Some(address) = args.mllp {
            let site = crate::ingest::site_codes(args.site_codes.as_ref())?;
            let mllp =
                tokio::net::TcpListener::bind(address).await.with_context(|| format!("cannot listen on {address}"))?;
            eprintln!("leuko serve: MLLP on {}", mllp.local_addr()?);
            let limits = leuko_server::ingest::MllpLimits::default();
            tokio::spawn(leuko_server::ingest::serve_mllp(
                mllp,
                store.clone(),
                kb,
                site,
                limits,
                std::future::pending(),
            ));
        }
        let router = leuko_server::router(kb, store, config)?;
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        let bound = listener.local_addr()?;
        tracing::info!(%bound, "listening");
        eprintln!(
            "leuko serve: listening on http://{bound} (store {})",
            database.split('@').next_back().unwrap_or("?")
        );
        let shutdown = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a SIGTERM handler can be installed");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
            tracing::info!("shutting down: finishing requests in flight");
        };
        leuko_server::serve(listener, router, shutdown).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
