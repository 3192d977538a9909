import NIOCore
import NIOHTTP1

/// What the engine needs from a connection: the ways a response can start, continue and end.
///
/// Threading: called only on the engine's event loop, which is also the connection's loop.
protocol ResponseSink: AnyObject {
    /// Sends the 200 head of an SSE response.
    func sinkStartStream(headers: HTTPHeaders)
    /// Writes and flushes one body chunk.
    func sinkWrite(_ buffer: ByteBuffer)
    /// Writes and flushes bytes already framed as a chunk, bypassing the HTTP pipeline (the per-token path).
    func sinkWriteFramed(_ buffer: ByteBuffer)
    /// Ends the chunked body; the connection stays open for reuse.
    func sinkEnd()
    /// Sends a complete (non-stream) response.
    func sinkRespond(status: HTTPResponseStatus, headers: HTTPHeaders, body: String)
    /// Aborts the connection with a TCP reset.
    func sinkReset()
    /// Closes the connection without a response.
    func sinkClose()
}
