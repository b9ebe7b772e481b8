// Embeds models/default.model into the binary when it exists, so that
// `stance classify` works without --model from any directory. Without the
// file (while bootstrapping the first model) the binary still builds and
// asks for --model.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_default_model)");
    println!("cargo::rerun-if-changed=models/default.model");
    if std::path::Path::new("models/default.model").is_file() {
        println!("cargo::rustc-cfg=has_default_model");
    }
}
