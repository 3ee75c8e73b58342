// jobs-digest: fetch the list, fetch every detail at once with join_all, report.
// Errors are anyhow::Error values with context; each request has a 2 s timeout.
// Flaw (on purpose, for the grader's corpus): the details are "waited for" with the current
// runtime's Handle::block_on from inside async main, a nested block_on: tokio refuses it with a
// panic ("Cannot start a runtime from within a runtime") before any detail is requested.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use futures::future::join_all;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Summary {
    id: u64,
}

#[derive(Deserialize)]
struct Detail {
    name: String,
    status: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Completed {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

async fn get_json<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &str) -> Result<T> {
    let response = client.get(url).send().await.with_context(|| format!("GET {url}"))?;
    if !response.status().is_success() {
        bail!("GET {url}: HTTP {}", response.status().as_u16());
    }
    let body = response.text().await.with_context(|| format!("GET {url}: body"))?;
    serde_json::from_str(&body).with_context(|| format!("GET {url}: malformed JSON"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let base = std::env::var("JOBS_API_URL").context("JOBS_API_URL is not set")?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
    let jobs: Vec<Summary> = get_json(&client, &format!("{base}/jobs"))
        .await
        .context("cannot fetch the job list")?;

    let requests = jobs.iter().map(|job| {
        let url = format!("{base}/jobs/{}", job.id);
        let client = &client;
        async move { (job.id, get_json::<Detail>(client, &url).await) }
    });
    let details = tokio::runtime::Handle::current().block_on(join_all(requests));

    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for (id, detail) in details {
        match detail {
            Ok(d) if d.status.trim().eq_ignore_ascii_case("completed") => completed.push(Completed {
                id,
                name: d.name,
                owner: d.owner,
                duration_ms: d.duration_ms,
            }),
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {id}: {e:#}");
                failed_ids.push(id);
            }
        }
    }
    completed.sort_by_key(|c| c.id);
    failed_ids.sort_unstable();
    let total_duration_ms: u64 = completed.iter().map(|c| c.duration_ms).sum();
    println!(
        "{}",
        serde_json::json!({
            "completed": completed,
            "failed_ids": failed_ids,
            "total_jobs": jobs.len(),
            "total_duration_ms": total_duration_ms,
        })
    );
    Ok(())
}
