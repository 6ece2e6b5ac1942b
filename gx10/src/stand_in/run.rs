//! The stand-in's `run`: parses exactly the argv the worker uses, records its pid under the
//! container's name, prints the training log over `GX10_STAND_IN_SECONDS` (default 6; longer
//! for a command with `--epochs N` above 5), writes
//! `model.bin` into the host folder mounted at `/output` and exits 0 (3 when the command holds
//! `--fail`). SIGTERM (from `stop`) makes it print "stopping" and exit 143.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::signal::unix::{SignalKind, signal};

use super::script::{Stream, bulk, training};
use super::{alive, pid_file, read_pid, state_dir};

/// A parsed `run --rm --name N --gpus all [-e K=V …] -v HOST:/output IMAGE [COMMAND…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    name: String,
    output: PathBuf,
    env: Vec<String>,
    image: String,
    command: Vec<String>,
}

fn parse(args: &[String]) -> Result<Spec, String> {
    let mut name = None;
    let mut output = None;
    let mut env = Vec::new();
    let mut rest = args.iter();
    let image = loop {
        let Some(arg) = rest.next() else {
            return Err("run: no image given".into());
        };
        let mut value = |flag: &str| rest.next().cloned().ok_or_else(|| format!("run: {flag} needs a value"));
        match arg.as_str() {
            "--rm" => {}
            "--name" => name = Some(value("--name")?),
            "--gpus" => {
                let gpus = value("--gpus")?;
                if gpus != "all" {
                    return Err(format!("run: --gpus {gpus}: the stand-in only knows --gpus all"));
                }
            }
            "-e" => {
                let pair = value("-e")?;
                if !pair.contains('=') {
                    return Err(format!("run: -e {pair}: expected NAME=VALUE"));
                }
                env.push(pair);
            }
            "-v" => {
                let mount = value("-v")?;
                let host = mount
                    .strip_suffix(":/output")
                    .ok_or_else(|| format!("run: -v {mount}: expected HOST_DIR:/output"))?;
                output = Some(PathBuf::from(host));
            }
            flag if flag.starts_with('-') => return Err(format!("run: unknown flag '{flag}'")),
            image => break image.to_owned(),
        }
    };
    Ok(Spec {
        name: name.ok_or("run: --name NAME is required")?,
        output: output.ok_or("run: -v HOST_DIR:/output is required")?,
        env,
        image,
        command: rest.cloned().collect(),
    })
}

pub fn run(args: &[String]) -> ExitCode {
    let spec = match parse(args) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("stand-in runtime: {e}");
            return ExitCode::from(125);
        }
    };
    if let Some(pid) = read_pid(&spec.name)
        && alive(pid, &spec.name)
    {
        eprintln!(
            "docker: Error response from daemon: Conflict. The container name \"/{}\" is already in use",
            spec.name
        );
        return ExitCode::from(125);
    }
    let recorded = std::fs::create_dir_all(state_dir())
        .and_then(|()| std::fs::write(pid_file(&spec.name), std::process::id().to_string()));
    if let Err(e) = recorded {
        eprintln!(
            "stand-in runtime: cannot record the container in {}: {e}",
            state_dir().display()
        );
        return ExitCode::from(125);
    }
    let code = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt.block_on(play(&spec)),
        Err(e) => {
            eprintln!("stand-in runtime: {e}");
            125
        }
    };
    let _ = std::fs::remove_file(pid_file(&spec.name));
    ExitCode::from(code)
}

/// Prints the log, or stops on SIGTERM.
async fn play(spec: &Spec) -> u8 {
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return 125;
    };
    tokio::select! {
        code = perform(spec) => code,
        _ = term.recv() => {
            let mut out = tokio::io::stdout();
            let _ = out.write_all(b"stopping\n").await;
            let _ = out.flush().await;
            143
        }
    }
}

async fn perform(spec: &Spec) -> u8 {
    let mut out = tokio::io::stdout();
    let mut err = tokio::io::stderr();
    if let Some(bytes) = std::env::var("GX10_STAND_IN_BYTES").ok().and_then(|b| b.parse().ok()) {
        let _ = out.write_all(&bulk(bytes)).await;
        let _ = out.flush().await;
        return 0;
    }
    let seconds = std::env::var("GX10_STAND_IN_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(6.0);
    let lines = training(&spec.image, &spec.command);
    // The pace of a default run; a run asked for more epochs takes proportionally longer.
    let default_lines = training(&spec.image, &[]).len();
    let pause = Duration::from_secs_f64(seconds / default_lines as f64);
    for (stream, line) in lines {
        tokio::time::sleep(pause).await;
        let line = format!("{line}\n");
        let written = match stream {
            Stream::Out => write(&mut out, &line).await,
            Stream::Err => write(&mut err, &line).await,
        };
        if written.is_err() {
            return 1;
        }
    }
    if spec.command.iter().any(|a| a == "--fail") {
        let _ = write(&mut err, "error: the training run failed (asked for with --fail)\n").await;
        return 3;
    }
    let model = spec.output.join("model.bin");
    let saved =
        std::fs::create_dir_all(&spec.output).and_then(|()| std::fs::write(&model, b"stand-in model weights\n"));
    if let Err(e) = saved {
        let _ = write(&mut err, &format!("error: cannot write /output/model.bin: {e}\n")).await;
        return 1;
    }
    let _ = write(&mut out, "saved /output/model.bin\n").await;
    0
}

async fn write<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn the_workers_argv_parses() {
        let spec = parse(&args(
            "--rm --name nimbus-job-4 --gpus all -e A=1 -e B=2 -v /o/4:/output img python train.py --fail",
        ))
        .unwrap();
        assert_eq!(spec.name, "nimbus-job-4");
        assert_eq!(spec.output, PathBuf::from("/o/4"));
        assert_eq!(spec.env, ["A=1", "B=2"]);
        assert_eq!(spec.image, "img");
        assert_eq!(spec.command, ["python", "train.py", "--fail"]);
    }

    #[test]
    fn unknown_flags_and_missing_mounts_are_refused() {
        assert!(
            parse(&args("--rm --name n --privileged -v /o:/output img"))
                .unwrap_err()
                .contains("--privileged")
        );
        assert!(parse(&args("--rm --name n img")).unwrap_err().contains("-v"));
        assert!(
            parse(&args("--rm --name n -v /o:/tmp img"))
                .unwrap_err()
                .contains("/output")
        );
    }
}
