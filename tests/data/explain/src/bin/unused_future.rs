// unused_must_use: a future created and never awaited.
async fn fetch_detail(id: u32) -> u32 {
    id
}

#[tokio::main]
async fn main() {
    fetch_detail(7);
}
