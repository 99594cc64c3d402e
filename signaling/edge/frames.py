"""Reading frames from a WebSocket: JSON text only, bounded in size."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketDisconnect

from signaling import protocol


class BadFrame(Exception):
    """A frame that is not a JSON text message we read: closed with ``code``."""

    def __init__(self, code: protocol.CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


async def receive_text(websocket: WebSocket) -> str:
    """The next text frame.

    Raises:
        WebSocketDisconnect: The peer went away (or the server refused a frame).
        BadFrame: A binary frame, or text over :data:`protocol.MAX_MESSAGE_BYTES`.
    """
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if not isinstance(text, str):
        raise BadFrame(protocol.CloseCode.NOT_JSON_TEXT, "frames must be UTF-8 JSON text")
    if len(text) > protocol.MAX_MESSAGE_BYTES:
        raise BadFrame(protocol.CloseCode.MESSAGE_TOO_BIG, "message too large")
    return text
