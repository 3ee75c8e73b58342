// Blocking calls on a multi-thread runtime: in worker tasks and in the #[tokio::main] body.
//   worker_blocks DATA_FILE
use std::time::Duration;

async fn fetch_with_a_nap() -> u32 {
    tokio::time::sleep(Duration::from_millis(1)).await;
    std::thread::sleep(Duration::from_millis(30)); // probe: blocks
    7
}

async fn read_config(path: String) -> usize {
    tokio::time::sleep(Duration::from_millis(1)).await;
    let text = std::fs::read_to_string(&path).unwrap_or_default(); // probe: blocks
    text.len()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = std::env::args().nth(1).expect("usage: worker_blocks DATA_FILE");
    let napper = tokio::spawn(fetch_with_a_nap());
    let reader = tokio::spawn(read_config(path));
    let (a, b) = (napper.await.expect("join"), reader.await.expect("join"));
    std::thread::sleep(Duration::from_millis(20)); // probe: blocks
    println!("{a} {b}");
}
