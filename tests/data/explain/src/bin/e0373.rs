// E0373: the spawned task borrows `client_name`, which the function owns.
fn main() {
    let client_name = String::from("jobs");
    let handle = std::thread::spawn(|| {
        println!("{}", client_name.len());
    });
    handle.join().unwrap();
}
