//! The DevTools protocol wire: JSON commands and events over one synchronous websocket.
//!
//! Reads wake up at least every [`TICK`] so the caller can look at its deadline and at the
//! cancel flag between messages; nothing here knows what the messages mean.

use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// Longest a read blocks before handing control back.
pub(super) const TICK: Duration = Duration::from_millis(50);

/// One DevTools websocket (a browser's or a page's).
pub(super) struct Connection {
    socket: WebSocket<TcpStream>,
    next_id: u64,
}

impl Connection {
    /// Connects to `endpoint` (`ws://127.0.0.1:PORT/devtools/...`); `max_message` bounds
    /// what one message may hold (a whole page's DOM comes in one).
    pub(super) fn open(endpoint: &str, max_message: usize) -> Result<Connection, String> {
        let address = endpoint
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .ok_or_else(|| format!("unexpected DevTools endpoint {endpoint}"))?;
        let stream = TcpStream::connect(address)
            .map_err(|err| format!("cannot connect to Chromium at {address}: {err}"))?;
        let _ = stream.set_nodelay(true);
        let config = WebSocketConfig::default()
            .max_message_size(Some(max_message))
            .max_frame_size(Some(max_message));
        let (socket, _) =
            tungstenite::client::client_with_config(endpoint, stream, Some(config))
                .map_err(|err| format!("DevTools handshake with {endpoint} failed: {err}"))?;
        socket
            .get_ref()
            .set_read_timeout(Some(TICK))
            .map_err(|err| format!("cannot set a read timeout: {err}"))?;
        Ok(Connection { socket, next_id: 1 })
    }

    /// Sends command `method` and returns its id; the answer comes through [`Connection::next`].
    pub(super) fn send(&mut self, method: &str, params: Value) -> Result<u64, String> {
        let id = self.next_id;
        self.next_id += 1;
        let text = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket
            .send(Message::text(text))
            .map_err(|err| format!("lost the connection to Chromium: {err}"))?;
        Ok(id)
    }

    /// The next message, or `None` when none came within [`TICK`].
    pub(super) fn next(&mut self) -> Result<Option<Value>, String> {
        match self.socket.read() {
            Ok(Message::Text(text)) => serde_json::from_str(text.as_str())
                .map(Some)
                .map_err(|err| format!("Chromium sent something that is not JSON: {err}")),
            Ok(_) => Ok(None),
            Err(tungstenite::Error::Io(err))
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(format!("lost the connection to Chromium: {err}")),
        }
    }
}
