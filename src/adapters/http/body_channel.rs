//! A response body fed through a channel, for the long-lived streams (a provision's NDJSON, the
//! server-sent events of a machine or of a GPU job's output): what the writer sends arrives in
//! order, and when the client goes away the writer notices at once.

use std::pin::Pin;
use std::task::{Context, Poll};

use poem::Body;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

/// The reading end of a stream's channel, as the response body. When the client goes away the
/// server drops the body, which closes the channel: the writer sees it at once, not at its next
/// write, and gives its stream slot back.
struct Channel {
    rx: mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    read: usize,
}

impl AsyncRead for Channel {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        loop {
            if self.read < self.chunk.len() {
                let n = buf.remaining().min(self.chunk.len() - self.read);
                let start = self.read;
                buf.put_slice(&self.chunk[start..start + n]);
                self.read += n;
                return Poll::Ready(Ok(()));
            }
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    self.chunk = chunk;
                    self.read = 0;
                }
                // Every sender is gone: the stream ended.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A body fed through a channel: what the sender sends, in order, until it is dropped.
pub fn channel() -> (mpsc::Sender<Vec<u8>>, Body) {
    let (tx, rx) = mpsc::channel(16);
    let body = Body::from_async_read(Channel {
        rx,
        chunk: Vec::new(),
        read: 0,
    });
    (tx, body)
}
