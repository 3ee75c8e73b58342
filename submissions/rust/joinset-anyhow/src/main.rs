//! jobs-report: every detail in its own task (tokio JoinSet), anyhow for errors with context,
//! a 2 s timeout on the client, one retry of a 429 after its Retry-After.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

#[derive(Deserialize)]
struct ListEntry {
    id: u64,
}

#[derive(Deserialize)]
struct JobDetail {
    id: u64,
    name: String,
    owner: String,
    status: String,
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

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let url = format!("{}{}", self.base, path);
        let mut resp = self.http.get(&url).send().await.with_context(|| format!("GET {path}"))?;
        if resp.status().as_u16() == 429 {
            let wait = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1)
                .min(1);
            tokio::time::sleep(Duration::from_secs(wait)).await;
            resp = self.http.get(&url).send().await.with_context(|| format!("GET {path} (retry)"))?;
        }
        if !resp.status().is_success() {
            bail!("GET {path}: HTTP {}", resp.status().as_u16());
        }
        Ok(resp.bytes().await.with_context(|| format!("GET {path}: body"))?.to_vec())
    }

    async fn detail(&self, id: u64) -> Result<JobDetail> {
        let body = self.get_bytes(&format!("/jobs/{id}")).await?;
        serde_json::from_slice(&body).map_err(|e| anyhow!("job {id}: unreadable detail: {e}"))
    }
}

async fn run(api: Arc<Api>) -> Result<Report> {
    let list_body = api.get_bytes("/jobs").await.context("fetching the job list")?;
    let list: Vec<ListEntry> = serde_json::from_slice(&list_body).context("parsing the job list")?;

    let mut set = JoinSet::new();
    for entry in &list {
        let api = Arc::clone(&api);
        let id = entry.id;
        set.spawn(async move { (id, api.detail(id).await) });
    }
    let mut report = Report { completed: vec![], failed_ids: vec![], total_jobs: list.len(), total_duration_ms: 0 };
    while let Some(joined) = set.join_next().await {
        let (id, outcome) = joined.context("a detail task failed")?;
        match outcome {
            Ok(d) if d.status.trim().eq_ignore_ascii_case("completed") => {
                report.total_duration_ms += d.duration_ms;
                report.completed.push(CompletedJob { id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms });
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {id} failed: {e:#}");
                report.failed_ids.push(id);
            }
        }
    }
    report.completed.sort_by_key(|j| j.id);
    report.failed_ids.sort_unstable();
    Ok(report)
}

#[tokio::main]
async fn main() {
    let outcome = async {
        let base = std::env::var("JOBS_API_URL").context("JOBS_API_URL is not set")?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
        let report = run(Arc::new(Api { http, base })).await?;
        Ok::<_, anyhow::Error>(serde_json::to_string(&report)?)
    }
    .await;
    match outcome {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}
