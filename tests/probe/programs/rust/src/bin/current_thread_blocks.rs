// Blocking sleeps on a current-thread runtime: in block_on's own future and in a task it runs.
use std::time::Duration;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let task = tokio::spawn(async {
            std::thread::sleep(Duration::from_millis(10)); // probe: blocks
            1
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        std::thread::sleep(Duration::from_millis(20)); // probe: blocks
        task.await.expect("join")
    });
    println!("done");
}
