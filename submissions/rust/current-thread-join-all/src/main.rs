//! jobs_cli: a single-threaded tokio runtime is plenty for I/O-bound work. Every detail
//! request is started at once and awaited together with `join_all`; each has a 2 s timeout.

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug)]
enum Error {
    Transport(reqwest::Error),
    Status(reqwest::StatusCode),
    Json(serde_json::Error),
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Transport(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(e) if e.is_timeout() => write!(f, "timed out"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Status(s) => write!(f, "unexpected status {s}"),
            Error::Json(e) => write!(f, "invalid JSON: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct Summary {
    id: u64,
}

#[derive(Deserialize)]
struct Detail {
    id: u64,
    name: String,
    owner: String,
    status: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Row {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Output {
    completed: Vec<Row>,
    failed_ids: Vec<u64>,
    total_jobs: usize,
    total_duration_ms: u64,
}

async fn get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: String) -> Result<T, Error> {
    let response = http.get(url).timeout(Duration::from_secs(2)).send().await?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(Error::Status(response.status()));
    }
    let text = response.text().await?;
    Ok(serde_json::from_str(&text)?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Ok(api) = std::env::var("JOBS_API_URL") else {
        eprintln!("JOBS_API_URL must be set");
        return ExitCode::FAILURE;
    };
    let http = reqwest::Client::new();
    let summaries: Vec<Summary> = match get(&http, format!("{api}/jobs")).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("GET /jobs failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let requests = summaries
        .iter()
        .map(|s| get::<Detail>(&http, format!("{api}/jobs/{}", s.id)));
    let answers = join_all(requests).await;

    let mut out = Output { completed: Vec::new(), failed_ids: Vec::new(), total_jobs: summaries.len(), total_duration_ms: 0 };
    for (summary, answer) in summaries.iter().zip(answers) {
        match answer {
            Ok(d) => {
                if d.status.trim().to_ascii_lowercase() == "completed" {
                    out.total_duration_ms += d.duration_ms;
                    out.completed.push(Row { id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms });
                }
            }
            Err(e) => {
                eprintln!("GET /jobs/{} failed: {e}", summary.id);
                out.failed_ids.push(summary.id);
            }
        }
    }
    out.completed.sort_by(|a, b| a.id.cmp(&b.id));
    out.failed_ids.sort();
    match serde_json::to_string(&out) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot encode the report: {e}");
            ExitCode::FAILURE
        }
    }
}
