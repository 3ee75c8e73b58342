// Everything here is allowed: async sleeps and files, blocking work handed to the blocking
// pool or announced with block_in_place, and blocking reads before the runtime starts.
//   well_behaved DATA_FILE
use std::time::Duration;

fn load_settings(path: &str) -> usize {
    std::thread::sleep(Duration::from_millis(2));
    std::fs::read(path).map(|b| b.len()).unwrap_or(0)
}

async fn polite(path: String) -> usize {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let bytes = tokio::fs::read(&path).await.map(|b| b.len()).unwrap_or(0);
    let slept = tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(10));
        1
    })
    .await
    .expect("join");
    let in_place = tokio::task::block_in_place(|| {
        std::thread::sleep(Duration::from_millis(10));
        std::fs::metadata(&path).map(|m| m.len() as usize).unwrap_or(0)
    });
    bytes + slept + in_place
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: well_behaved DATA_FILE");
    let before = load_settings(&path);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let total = runtime.block_on(async move {
        let task = tokio::spawn(polite(path.clone()));
        polite(path).await + task.await.expect("join")
    });
    println!("{} {}", before > 0, total > 0);
}
