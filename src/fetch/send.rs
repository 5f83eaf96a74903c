//! One GET on the wire: the validators of a conditional request, transport failures told
//! retryable or not, and the body read within `max_body_size` (whole, or streamed to a sink).
//! The rest of [`Fetcher`] decides whether, when and how often to send it.

use std::sync::atomic::Ordering;

use tracing::debug;
use url::Url;

use super::{FetchError, Fetcher, Validators};

/// One response as received, before it is judged.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: ureq::http::HeaderMap,
    pub(super) body: Option<Vec<u8>>,
}

impl Fetcher {
    /// Sends one GET and reads the body within the cap.
    pub(super) fn send(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        sink: Option<&mut BodySink<'_>>,
    ) -> Result<Response, SendError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        debug!("GET {url}");
        let mut request = self
            .agent
            .get(url.as_str())
            .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header("If-Modified-Since", date);
            }
        }
        let transport = |err: ureq::Error| {
            let retryable = match &err {
                ureq::Error::Timeout(t) => matches!(
                    t,
                    ureq::Timeout::Connect | ureq::Timeout::Resolve | ureq::Timeout::SendRequest
                ),
                ureq::Error::Io(_) | ureq::Error::ConnectionFailed => true,
                _ => false,
            };
            let message = match &err {
                ureq::Error::Timeout(ureq::Timeout::Connect) => format!(
                    "could not connect within {:?} (connect_timeout)",
                    self.settings.connect_timeout
                ),
                ureq::Error::Timeout(_) => {
                    format!("timed out after {:?} (timeout)", self.settings.timeout)
                }
                other => other.to_string(),
            };
            SendError {
                error: Box::new(FetchError::Transport {
                    url: url.clone(),
                    message,
                }),
                retryable,
            }
        };
        let mut response = request.call().map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.settings.max_body_size;
        if let Some(sink) = sink.filter(|_| (200..300).contains(&status)) {
            let mut reader = Capped::new(response.body_mut().as_reader(), limit);
            let result = sink(&mut reader);
            let failed = |message: String| SendError {
                error: Box::new(if reader.exceeded {
                    FetchError::TooLarge {
                        url: url.clone(),
                        limit,
                    }
                } else {
                    FetchError::Transport {
                        url: url.clone(),
                        message,
                    }
                }),
                retryable: false,
            };
            result.map_err(|err| failed(err.to_string()))?;
            return Ok(Response {
                status,
                headers,
                body: None,
            });
        }
        let body = if (200..300).contains(&status) {
            let bytes = response
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|err| match err {
                    ureq::Error::BodyExceedsLimit(_) => SendError {
                        error: Box::new(FetchError::TooLarge {
                            url: url.clone(),
                            limit,
                        }),
                        retryable: false,
                    },
                    other => transport(other),
                })?;
            Some(bytes)
        } else {
            None
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Reads a streamed body: what [`Fetcher::get_streaming`] hands it.
pub type BodySink<'a> = dyn FnMut(&mut dyn std::io::Read) -> std::io::Result<()> + 'a;

/// What a streamed request yields; the body went to the sink.
#[derive(Debug, Clone)]
pub enum Streamed {
    Read { url: Url, validators: Validators },
    NotModified,
}

/// A reader that fails once more than `limit` bytes came through, and says so in `exceeded`:
/// the body cap for streamed bodies (and for what they decompress to).
pub struct Capped<R> {
    inner: R,
    left: u64,
    pub exceeded: bool,
}

impl<R> Capped<R> {
    pub fn new(inner: R, limit: u64) -> Capped<R> {
        Capped {
            inner,
            left: limit,
            exceeded: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.exceeded {
            return Err(std::io::Error::other("max_body_size exceeded"));
        }
        // One byte past the limit tells a body of exactly `limit` bytes from a longer one.
        let want = buf
            .len()
            .min(usize::try_from(self.left + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            self.exceeded = true;
            return Err(std::io::Error::other("max_body_size exceeded"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

pub(super) struct SendError {
    pub(super) error: Box<FetchError>,
    pub(super) retryable: bool,
}
