//! Waiting for a started service to answer `GET /api/health` with 200, up to a deadline. A
//! plain HTTP/1.1 request over a loopback (or the configured bind address's) socket: the
//! installer needs no HTTP client and no async runtime for it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// The pause between attempts.
const RETRY_EVERY: Duration = Duration::from_millis(200);

/// Waits until `addr` answers `/api/health` with 200, for at most `timeout`. The error is the
/// last thing seen (refused, a status, a timeout).
pub(super) fn wait_healthy(addr: SocketAddr, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match probe(addr) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        if Instant::now() + RETRY_EVERY >= deadline {
            return Err(last);
        }
        std::thread::sleep(RETRY_EVERY);
    }
}

/// One `GET /api/health`.
fn probe(addr: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&addr, ATTEMPT_TIMEOUT).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .set_read_timeout(Some(ATTEMPT_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(ATTEMPT_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let request =
        format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{addr}: {e}"))?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).map_err(|e| format!("{addr}: {e}"))?;
    let status_line = String::from_utf8_lossy(&head[..n]);
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if status == "200" {
        Ok(())
    } else {
        Err(format!("{addr} answered /api/health with status {status:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn answer_once(listener: &TcpListener, response: &'static str) {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 512];
        let _ = conn.read(&mut buf).unwrap();
        conn.write_all(response.as_bytes()).unwrap();
    }

    #[test]
    fn a_200_is_healthy_and_a_503_is_not() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            answer_once(
                &listener,
                "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
            );
            answer_once(&listener, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        });
        assert!(probe(addr).unwrap_err().contains("503"));
        wait_healthy(addr, Duration::from_secs(10)).unwrap();
        server.join().unwrap();
    }

    #[test]
    fn nothing_listening_ends_at_the_deadline_with_the_reason() {
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let e = wait_healthy(addr, Duration::from_millis(300)).unwrap_err();
        assert!(e.contains(&addr.to_string()), "{e}");
    }
}
