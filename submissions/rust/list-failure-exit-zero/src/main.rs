//! report: GET /jobs, then all the details at once (tokio::spawn + join_all over the handles).
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Deserialize)]
struct Item {
    id: u64,
}

#[derive(Debug, Deserialize)]
struct Full {
    id: u64,
    name: String,
    owner: String,
    status: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Out {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Debug)]
enum Failure {
    Net(reqwest::Error),
    Http(u16),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Net(e) => write!(f, "{e}"),
            Failure::Http(code) => write!(f, "HTTP {code}"),
        }
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(http: reqwest::Client, url: String) -> Result<T, Failure> {
    let resp = http.get(&url).send().await.map_err(Failure::Net)?;
    if resp.status() != 200 {
        return Err(Failure::Http(resp.status().as_u16()));
    }
    resp.json::<T>().await.map_err(Failure::Net)
}

#[tokio::main]
async fn main() {
    let base = match std::env::var("JOBS_API_URL") {
        Ok(b) => b,
        Err(_) => {
            eprintln!("JOBS_API_URL missing");
            return;
        }
    };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().expect("tls backend");
    let items: Vec<Item> = match get_json(http.clone(), format!("{base}/jobs")).await {
        Ok(items) => items,
        Err(e) => {
            eprintln!("fetching /jobs failed: {e}");
            return;
        }
    };
    let handles = items
        .iter()
        .map(|it| tokio::spawn(get_json::<Full>(http.clone(), format!("{base}/jobs/{}", it.id))));
    let answers = join_all(handles).await;

    let mut completed: Vec<Out> = vec![];
    let mut failed_ids: Vec<u64> = vec![];
    for (item, answer) in items.iter().zip(answers) {
        match answer {
            Ok(Ok(full)) => {
                if full.status.trim().to_lowercase() == "completed" {
                    completed.push(Out { id: full.id, name: full.name, owner: full.owner, duration_ms: full.duration_ms });
                }
            }
            Ok(Err(e)) => {
                eprintln!("job {}: {e}", item.id);
                failed_ids.push(item.id);
            }
            Err(join_err) => {
                eprintln!("job {}: {join_err}", item.id);
                failed_ids.push(item.id);
            }
        }
    }
    completed.sort_by_key(|o| o.id);
    failed_ids.sort();
    let total: u64 = completed.iter().map(|o| o.duration_ms).sum();
    println!(
        "{}",
        serde_json::json!({ "completed": completed, "failed_ids": failed_ids, "total_jobs": items.len(), "total_duration_ms": total })
    );
}
