//! What a stand-in job prints: a short, realistic training log (loading a model, five epochs of
//! steps with a falling loss, a couple of warnings on stderr). The same job always prints the same
//! bytes, so tests can compare what arrived in Nimbus with what was printed.

/// Which pipe a line goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

/// Epochs of a run that does not ask for another number with `--epochs N`.
pub const EPOCHS: u32 = 5;
/// The most epochs a stand-in run plays (`--epochs` above this is cut to it).
const MAX_EPOCHS: u32 = 100_000;
const STEPS: u32 = 100;
const EVERY: u32 = 20;

/// The epochs `command` asks for with `--epochs N` (5 when it does not).
pub fn epochs(command: &[String]) -> u32 {
    command
        .windows(2)
        .find(|w| w[0] == "--epochs")
        .and_then(|w| w[1].parse::<u32>().ok())
        .map_or(EPOCHS, |n| n.clamp(1, MAX_EPOCHS))
}

/// The lines of a training run of `image` with `command`, in the order they are printed.
pub fn training(image: &str, command: &[String]) -> Vec<(Stream, String)> {
    let epochs = epochs(command);
    let mut lines = vec![
        (
            Stream::Out,
            format!("[stand-in GX10] image {image}, command: {}", command.join(" ")),
        ),
        (
            Stream::Out,
            "loading model weights (1.3B parameters) from /models/base".to_owned(),
        ),
        (
            Stream::Err,
            "warning: TF32 matmul is disabled; set torch.backends.cuda.matmul.allow_tf32=True for faster training"
                .to_owned(),
        ),
        (Stream::Out, "model loaded on cuda:0 in 2.1s".to_owned()),
        (
            Stream::Out,
            format!("dataset: 6400 samples, batch size 64, {STEPS} steps per epoch"),
        ),
    ];
    for epoch in 1..=epochs {
        for step in (EVERY..=STEPS).step_by(EVERY as usize) {
            let t = f64::from(epoch - 1) + f64::from(step) / f64::from(STEPS);
            lines.push((
                Stream::Out,
                format!("epoch {epoch}/{epochs} step {step}/{STEPS} loss={:.4} lr=3e-4", loss(t)),
            ));
        }
        if epoch == 3 {
            lines.push((Stream::Err, "warning: gradient norm 12.41 clipped to 1.0".to_owned()));
        }
        lines.push((
            Stream::Out,
            format!(
                "epoch {epoch}/{epochs} done: val_loss={:.4}",
                loss(f64::from(epoch)) + 0.05
            ),
        ));
    }
    lines
}

/// The training loss after `t` epochs: falling fast, then flattening.
fn loss(t: f64) -> f64 {
    0.35 + 1.9 * (-0.55 * t).exp()
}

/// Exactly `bytes` bytes of numbered lines (for tests of large outputs).
pub fn bulk(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 64);
    let mut i = 0u64;
    while out.len() < bytes {
        out.extend_from_slice(format!("{i:08} tokens/s=4812 mem=71.3GiB the quick brown fox\n").as_bytes());
        i += 1;
    }
    out.truncate(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_prints_five_epochs_and_a_warning_on_stderr() {
        let lines = training("pytorch/pytorch:2.4", &["python".into(), "train.py".into()]);
        assert!(
            lines
                .iter()
                .any(|(s, l)| *s == Stream::Out && l == "epoch 3/5 step 40/100 loss=0.8576 lr=3e-4"),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|(s, l)| *s == Stream::Err && l.starts_with("warning:"))
        );
        assert!(lines.iter().filter(|(_, l)| l.contains("done: val_loss")).count() == 5);
    }

    #[test]
    fn bulk_output_has_exactly_the_asked_size() {
        assert_eq!(bulk(1_000_003).len(), 1_000_003);
        assert!(bulk(100).starts_with(b"00000000 "));
    }

    #[test]
    fn a_run_plays_the_epochs_its_command_asks_for() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(epochs(&args(&["python", "train.py"])), EPOCHS);
        assert_eq!(epochs(&args(&["python", "train.py", "--epochs", "12"])), 12);
        assert_eq!(epochs(&args(&["train", "--epochs", "0"])), 1);
        assert_eq!(epochs(&args(&["train", "--epochs", "x"])), EPOCHS);
        let long = training("i", &args(&["train", "--epochs", "12"]));
        assert!(long.iter().any(|(_, l)| l.starts_with("epoch 12/12 done")));
        assert!(long.len() > training("i", &args(&["train"])).len() * 2);
    }
}
