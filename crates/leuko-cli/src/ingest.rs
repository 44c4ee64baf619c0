//! `leuko ingest`: HL7 v2 results into the stored history — over MLLP (`--listen`) or replayed
//! from a file (`--file`, e.g. to back-load history), with a summary of what was stored,
//! duplicated and refused.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use leuko_server::ingest::{MllpLimits, Outcome, ingest_bytes, serve_mllp};

#[derive(Debug, clap::Args)]
pub(crate) struct IngestArgs {
    /// Listen for MLLP on this address (embedded mode: straight into the database).
    #[arg(long, value_name = "ADDR", conflicts_with = "file")]
    listen: Option<SocketAddr>,
    /// Replay a file of HL7 v2 messages (one or many, a batch, or MLLP-framed).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Storage: `sqlite:PATH` (default `sqlite:leuko.db`) or `postgres://…`.
    #[arg(long, env = "LEUKO_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The site's table of local result codes (TOML: `[codes]` local code = LOINC; optional
    /// `[patients] authority_when_missing = "sending-facility"`, see docs/service.md).
    #[arg(long, value_name = "FILE")]
    site_codes: Option<PathBuf>,
    /// Queue mode: publish each received message to NATS JetStream (with `--listen`); `leuko
    /// worker` processes store them.
    #[arg(long, env = "LEUKO_NATS", value_name = "URL")]
    nats: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WorkerArgs {
    /// NATS server with JetStream.
    #[arg(long, env = "LEUKO_NATS", value_name = "URL")]
    nats: String,
    /// Storage: `sqlite:PATH` or `postgres://…` (PostgreSQL when several workers run).
    #[arg(long, env = "LEUKO_DATABASE", value_name = "URL")]
    database: String,
    /// The site's table of local result codes.
    #[arg(long, value_name = "FILE")]
    site_codes: Option<PathBuf>,
}

pub(crate) fn site_codes(path: Option<&PathBuf>) -> anyhow::Result<leuko_hl7::SiteCodes> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            leuko_hl7::SiteCodes::from_toml(&text).map_err(anyhow::Error::msg)
        }
        None => Ok(leuko_hl7::SiteCodes::default()),
    }
}

/// `leuko worker`: consumes the queue into the database until interrupted.
pub(crate) fn worker(args: &WorkerArgs) -> anyhow::Result<ExitCode> {
    let site = site_codes(args.site_codes.as_ref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let store = leuko_store::Store::open(&args.database)
            .await
            .with_context(|| format!("cannot open the store {}", args.database))?;
        let client =
            async_nats::connect(&args.nats).await.with_context(|| format!("cannot reach NATS at {}", args.nats))?;
        eprintln!("leuko worker: consuming from {}", args.nats);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        leuko_server::queue::worker(
            client,
            store,
            leuko_kb::bundled(),
            site,
            leuko_server::queue::QueueConfig::default(),
            shutdown,
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}

pub(crate) fn run(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    if let Some(nats) = &args.nats {
        let Some(listen) = args.listen else {
            bail!(
                "queue mode (--nats) receives over MLLP: give --listen ADDR; replay a file with --file and --database"
            );
        };
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        return runtime.block_on(async move {
            let client =
                async_nats::connect(nats.as_str()).await.with_context(|| format!("cannot reach NATS at {nats}"))?;
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            eprintln!("leuko ingest: MLLP on {} (queue mode, NATS {nats})", listener.local_addr()?);
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            let js = async_nats::jetstream::new(client);
            leuko_server::queue::serve_mllp_queue(
                listener,
                js,
                leuko_server::queue::QueueConfig::default(),
                MllpLimits::default(),
                shutdown,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        });
    }
    let site = site_codes(args.site_codes.as_ref())?;
    let database = args.database.clone().unwrap_or_else(|| "sqlite:leuko.db".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let store = leuko_store::Store::open(&database).await.with_context(|| format!("cannot open the store {database}"))?;
        match (&args.listen, &args.file) {
            (Some(listen), _) => {
                let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
                eprintln!("leuko ingest: MLLP on {}", listener.local_addr()?);
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                serve_mllp(listener, store, leuko_kb::bundled(), site, MllpLimits::default(), shutdown).await;
                Ok(ExitCode::SUCCESS)
            }
            (None, Some(file)) => {
                let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
                // MLLP-framed files are unframed first; plain files are read as they are.
                let chunks: Vec<Vec<u8>> = if bytes.contains(&leuko_hl7::mllp::START) {
                    leuko_hl7::mllp::Deframer::new(usize::MAX / 2).push(&bytes).0
                } else {
                    vec![bytes]
                };
                let (mut stored, mut duplicates, mut errors, mut rejected, mut results) = (0, 0, 0, 0, 0);
                // Progress by chunk (a frame, or the whole file); drawn only on a terminal.
                let progress = indicatif::ProgressBar::new(chunks.len() as u64).with_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} frames, {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                for chunk in chunks {
                    for ingested in ingest_bytes(&store, leuko_kb::bundled(), &site, &chunk).await {
                        match &ingested.outcome {
                            Outcome::Stored { results: n, alerts, .. } => {
                                stored += 1;
                                results += n;
                                for alert in alerts {
                                    progress.suspend(|| eprintln!("leuko ingest: alert: {alert}"));
                                }
                            }
                            Outcome::Duplicate => duplicates += 1,
                            Outcome::Error(why) => {
                                errors += 1;
                                progress.suspend(|| eprintln!("leuko ingest: not processable: {why}"));
                            }
                            Outcome::NotStored(why) => {
                                errors += 1;
                                progress.suspend(|| eprintln!("leuko ingest: not stored: {why}"));
                            }
                            Outcome::Rejected(why) => {
                                rejected += 1;
                                progress.suspend(|| eprintln!("leuko ingest: rejected: {why}"));
                            }
                        }
                        for unmapped in &ingested.unmapped {
                            progress.suspend(|| eprintln!("leuko ingest: unmapped: {unmapped}"));
                        }
                        progress.set_message(format!("{} message(s)", stored + duplicates + errors + rejected));
                    }
                    progress.inc(1);
                }
                progress.finish_and_clear();
                println!("stored {stored} message(s) with {results} result(s); {duplicates} duplicate(s); {errors} not processable; {rejected} rejected");
                Ok(if errors + rejected == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
            }
            (None, None) => bail!("give --listen ADDR or --file FILE"),
        }
    })
}
