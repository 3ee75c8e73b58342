// E0277: a non-Send value moved into tokio::spawn.
use std::rc::Rc;

#[tokio::main]
async fn main() {
    let seen = Rc::new(5);
    let task = tokio::spawn(async move { *seen + 1 });
    println!("{}", task.await.unwrap());
}
