fn main() {
    cairn::host::NativeHost::catch_interrupts();
    // Lossy: an argument that is not UTF-8 is no name, URL or SQL Cairn could use anyway.
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(cairn::block_on(cairn_cli::main(
        &cairn::host::NativeHost::default(),
        args,
    )));
}
