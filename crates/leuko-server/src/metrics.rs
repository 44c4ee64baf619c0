//! Prometheus metrics at `/metrics`: requests by route template and status, and their latency.
//! Labels are route templates (`/patients/{id}/assessment`), never concrete paths, so that no
//! patient identifier reaches the metrics or the logs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram (seconds).
const BUCKETS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counters and latency histograms.
#[derive(Default)]
pub(crate) struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else { return };
        let entry = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }
}

/// Middleware: times every request and logs its route template and status.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(&method, &route, status, seconds);
    tracing::info!(%method, %route, status, millis = seconds * 1000.0, "request");
    response
}

/// `GET /metrics`.
pub(crate) async fn render(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    let _ = writeln!(out, "# HELP leuko_http_requests_total HTTP requests by method, route template and status.");
    let _ = writeln!(out, "# TYPE leuko_http_requests_total counter");
    let series = match state.metrics.series.lock() {
        Ok(series) => series,
        Err(_) => return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "metrics unavailable").into_response(),
    };
    for ((method, route, status), s) in series.iter() {
        let _ = writeln!(
            out,
            "leuko_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
            s.count
        );
    }
    let _ = writeln!(out, "# HELP leuko_http_request_duration_seconds Request latency by method and route template.");
    let _ = writeln!(out, "# TYPE leuko_http_request_duration_seconds histogram");
    let mut merged: BTreeMap<(&str, &str), (u64, f64, [u64; BUCKETS.len()])> = BTreeMap::new();
    for ((method, route, _), s) in series.iter() {
        let entry = merged.entry((method, route)).or_insert((0, 0.0, [0; BUCKETS.len()]));
        entry.0 += s.count;
        entry.1 += s.sum;
        for (total, bucket) in entry.2.iter_mut().zip(s.buckets) {
            *total += bucket;
        }
    }
    for ((method, route), (count, sum, buckets)) in merged {
        let labels = format!("method=\"{method}\",route=\"{route}\"");
        for (bound, bucket) in BUCKETS.iter().zip(buckets) {
            let _ = writeln!(out, "leuko_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {bucket}");
        }
        let _ = writeln!(out, "leuko_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "leuko_http_request_duration_seconds_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "leuko_http_request_duration_seconds_count{{{labels}}} {count}");
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
