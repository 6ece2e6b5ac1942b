//! The stand-in's `stop`, `kill`, `ps` and `rm`, answering like docker does: the container's name
//! on success, "No such container" with exit code 1 otherwise.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::{alive, pid_file, read_pid, signal, state_dir};

fn no_such(name: &str) -> ExitCode {
    eprintln!("Error response from daemon: No such container: {name}");
    ExitCode::from(1)
}

fn usage(text: &str) -> ExitCode {
    eprintln!("stand-in runtime: {text}");
    ExitCode::from(125)
}

/// `stop [--time N | -t N] NAME`: SIGTERM, then SIGKILL if it still runs after N seconds.
pub fn stop(args: &[String]) -> ExitCode {
    let (grace, name) = match args {
        [flag, n, name] if flag == "--time" || flag == "-t" => match n.parse::<u64>() {
            Ok(n) => (n, name),
            Err(_) => return usage(&format!("stop: --time takes whole seconds, not '{n}'")),
        },
        [name] => (10, name),
        _ => return usage("usage: stop [--time SECONDS] NAME"),
    };
    let Some(pid) = read_pid(name) else {
        return no_such(name);
    };
    if alive(pid, name) {
        signal(pid, libc::SIGTERM);
        let until = Instant::now() + Duration::from_secs(grace);
        // The container removes its own pid file as it exits.
        while alive(pid, name) && pid_file(name).exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        if alive(pid, name) && pid_file(name).exists() {
            signal(pid, libc::SIGKILL);
        }
    }
    let _ = std::fs::remove_file(pid_file(name));
    println!("{name}");
    ExitCode::SUCCESS
}

/// `kill NAME`: SIGKILL.
pub fn kill(args: &[String]) -> ExitCode {
    let [name] = args else {
        return usage("usage: kill NAME");
    };
    match read_pid(name) {
        Some(pid) if alive(pid, name) => {
            signal(pid, libc::SIGKILL);
            let _ = std::fs::remove_file(pid_file(name));
            println!("{name}");
            ExitCode::SUCCESS
        }
        Some(_) => {
            eprintln!("Error response from daemon: container {name} is not running");
            ExitCode::from(1)
        }
        None => no_such(name),
    }
}

/// `rm [-f] NAME…`: removes stopped containers; with `-f` running ones too (SIGKILL first).
pub fn rm(args: &[String]) -> ExitCode {
    let force = args.iter().any(|a| a == "-f" || a == "--force");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return usage("usage: rm [-f] NAME...");
    }
    let mut code = ExitCode::SUCCESS;
    for name in names {
        match read_pid(name) {
            Some(pid) if alive(pid, name) && !force => {
                eprintln!(
                    "Error response from daemon: cannot remove container {name}: container is running: stop the container before removing or force remove"
                );
                code = ExitCode::from(1);
            }
            Some(pid) => {
                if alive(pid, name) {
                    signal(pid, libc::SIGKILL);
                }
                let _ = std::fs::remove_file(pid_file(name));
                println!("{name}");
            }
            None if force => {}
            None => code = no_such(name),
        }
    }
    code
}

/// `ps [--all|-a] [--filter name=X] [--format {{.Names}}]`: container names, one a line.
pub fn ps(args: &[String]) -> ExitCode {
    let mut all = false;
    let mut filter = String::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--all" | "-a" => all = true,
            "--filter" | "-f" => match rest.next().and_then(|f| f.strip_prefix("name=")) {
                Some(f) => filter = f.to_owned(),
                None => return usage("ps: only --filter name=PREFIX is supported"),
            },
            "--format" => match rest.next().map(String::as_str) {
                Some("{{.Names}}") => {}
                _ => return usage("ps: only --format {{.Names}} is supported"),
            },
            other => return usage(&format!("ps: unknown argument '{other}'")),
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(state_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".pid").map(str::to_owned))
        .filter(|name| name.contains(&filter))
        .filter(|name| all || read_pid(name).is_some_and(|pid| alive(pid, name)))
        .collect();
    names.sort();
    for name in names {
        println!("{name}");
    }
    ExitCode::SUCCESS
}
