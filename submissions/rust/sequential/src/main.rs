//! Deliberately flawed sample: correct in every way but one - it awaits each detail in turn,
//! so N details of L ms take N x L. Expected verdict: fails `concurrency`, and `output` /
//! `timeout` only where a sequential client cannot finish within the deadline.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// A 429 is retried once when the server asks for a pause no longer than this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(1);

#[derive(Deserialize)]
struct ListedJob {
    id: u64,
}

#[derive(Deserialize)]
struct JobDetail {
    id: u64,
    name: String,
    status: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct CompletedJob {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Report {
    completed: Vec<CompletedJob>,
    failed_ids: Vec<u64>,
    total_jobs: usize,
    total_duration_ms: u64,
}

async fn fetch_list(client: &reqwest::Client, base: &str) -> Result<Vec<ListedJob>> {
    let response = client.get(format!("{base}/jobs")).send().await?;
    let response = response.error_for_status()?;
    let body = response.bytes().await?;
    serde_json::from_slice(&body).context("the job list is not valid JSON")
}

async fn fetch_detail(client: &reqwest::Client, base: &str, id: u64) -> Result<JobDetail> {
    let url = format!("{base}/jobs/{id}");
    let mut response = client.get(&url).send().await?;
    if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let pause = retry_after(&response).unwrap_or(MAX_RETRY_AFTER + Duration::from_secs(1));
        if pause > MAX_RETRY_AFTER {
            bail!("rate limited (429) and asked to wait {}s", pause.as_secs());
        }
        tokio::time::sleep(pause).await;
        response = client.get(&url).send().await?;
    }
    let response = response.error_for_status()?;
    let body = response.bytes().await?;
    let detail: JobDetail = serde_json::from_slice(&body).context("malformed JSON")?;
    if detail.id != id {
        bail!("detail answered for id {} instead", detail.id);
    }
    Ok(detail)
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

async fn run(base: &str) -> Result<Report> {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("cannot build the HTTP client")?;
    let listed = fetch_list(&client, base)
        .await
        .context("cannot fetch the job list")?;

    let mut results: Vec<(u64, Result<JobDetail>)> = Vec::new();
    for job in &listed {
        // The flaw: one request at a time.
        results.push((job.id, fetch_detail(&client, base, job.id).await));
    }

    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for (id, result) in results {
        match result {
            Ok(detail) if detail.status.trim().eq_ignore_ascii_case("completed") => {
                completed.push(CompletedJob {
                    id: detail.id,
                    name: detail.name,
                    owner: detail.owner,
                    duration_ms: detail.duration_ms,
                });
            }
            Ok(_) => {}
            Err(error) => {
                eprintln!("job {id}: {error:#}");
                failed_ids.push(id);
            }
        }
    }
    completed.sort_by_key(|job| job.id);
    failed_ids.sort_unstable();
    let total_duration_ms = completed.iter().map(|job| job.duration_ms).sum();
    Ok(Report {
        completed,
        failed_ids,
        total_jobs: listed.len(),
        total_duration_ms,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let base = match std::env::var("JOBS_API_URL") {
        Ok(url) => url.trim_end_matches('/').to_string(),
        Err(_) => {
            eprintln!("error: JOBS_API_URL is not set");
            return ExitCode::from(1);
        }
    };
    match run(&base).await {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: cannot encode the report: {error}");
                ExitCode::from(1)
            }
        },
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}
