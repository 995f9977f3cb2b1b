//! The client's connection: tokio-tungstenite's stream, or wslab's own session when the
//! connection agreed permessage-deflate, which tungstenite cannot speak.

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::net::session_stream::SessionStream;
use crate::net::tcp::TappedTcp;

/// One of the two ways to speak a connection. Boxed: each holds its buffers inline.
pub(super) enum Ws {
    /// tokio-tungstenite, for every connection without an extension.
    Library(Box<WebSocketStream<TappedTcp>>),
    /// wslab's session, for a connection that offered permessage-deflate.
    Own(Box<SessionStream<TappedTcp>>),
}

impl Ws {
    pub(super) async fn feed(&mut self, message: Message) -> Result<(), Error> {
        match self {
            Self::Library(ws) => ws.feed(message).await,
            Self::Own(ws) => ws.feed(message).await,
        }
    }

    pub(super) async fn flush(&mut self) -> Result<(), Error> {
        match self {
            Self::Library(ws) => ws.flush().await,
            Self::Own(ws) => ws.flush().await,
        }
    }

    pub(super) async fn next(&mut self) -> Option<Result<Message, Error>> {
        match self {
            Self::Library(ws) => ws.next().await,
            Self::Own(ws) => ws.next().await,
        }
    }

    /// Starts the closing handshake; reading goes on until the server's close arrives.
    pub(super) async fn close(&mut self, frame: Option<CloseFrame>) -> Result<(), Error> {
        match self {
            Self::Library(ws) => ws.close(frame).await,
            Self::Own(ws) => {
                ws.feed(Message::Close(frame)).await?;
                ws.flush().await
            }
        }
    }

    /// The tapped socket under either.
    pub(super) fn tcp(&self) -> &TappedTcp {
        match self {
            Self::Library(ws) => ws.get_ref(),
            Self::Own(ws) => ws.get_ref(),
        }
    }

    pub(super) fn tcp_mut(&mut self) -> &mut TappedTcp {
        match self {
            Self::Library(ws) => ws.get_mut(),
            Self::Own(ws) => ws.get_mut(),
        }
    }

    /// Whether the session speaks, rather than the library.
    pub(super) fn is_own(&self) -> bool {
        matches!(self, Self::Own(_))
    }

    /// The rule the server broke, when the session failed the connection for it.
    pub(super) fn failure(&self) -> Option<&str> {
        match self {
            Self::Library(_) => None,
            Self::Own(ws) => ws.failure(),
        }
    }
}
