import Stats
import Foundation
import NIOCore
import NIOHTTP1

/// Sits first in the pipeline (next to the socket) so pre-framed chunks written through its context
/// skip the HTTP encoder and every other handler; it forwards everything else untouched.
/// Loop-confined like every handler.
final class RawWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private(set) var context: ChannelHandlerContext?
    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }
}

/// One HTTP/1.1 connection: buffers a bounded request body, routes it, and is the `ResponseSink`
/// the engine streams into.
///
/// Threading: a channel handler runs on its channel's event loop, which is the engine's loop
/// (the server uses a single-threaded group), so it calls the engine directly.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler, ResponseSink {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let engine: Frontend
    private var config: SimConfig { engine.config }
    private var context: ChannelHandlerContext?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var discarding = false
    private var keepAlive = true
    private var chunkedResponse = true
    private var responseVersion = HTTPVersion.http1_1
    private var current: SimRequest?

    private let raw: RawWriter

    init(engine: Frontend, raw: RawWriter) {
        self.engine = engine
        self.raw = raw
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelInactive(context: ChannelHandlerContext) {
        if let c = current {
            current = nil
            engine.drop(c)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Connection resets and protocol errors end this connection only.
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(h):
            head = h
            body.removeAll(keepingCapacity: true)
            discarding = false
            keepAlive = h.isKeepAlive
            chunkedResponse = h.version.major == 1 && h.version.minor >= 1
            responseVersion = chunkedResponse ? .http1_1 : h.version
            if let len = h.headers.first(name: "content-length").flatMap(Int.init), len > config.maxBodyBytes {
                tooLarge()
            }
        case var .body(buf):
            guard !discarding else { return }
            if body.count + buf.readableBytes > config.maxBodyBytes {
                tooLarge()
                return
            }
            body += buf.readBytes(length: buf.readableBytes) ?? []
        case .end:
            guard !discarding, let h = head else { return }
            head = nil
            route(h)
        }
    }

    private func tooLarge() {
        discarding = true
        keepAlive = false
        respondText(.payloadTooLarge, "Failed to buffer the request body: length limit exceeded")
    }

    // MARK: routing

    /// Strips the query and the Predibase gateway prefix `/{tenant}/deployments/v2/llms/{deployment}`.
    static func normalize(_ uri: String) -> String {
        var path = Substring(uri)
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<q] }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count >= 6, parts[2] == "deployments", parts[3] == "v2", parts[4] == "llms" {
            let rest = parts.dropFirst(6).joined(separator: "/")
            return "/" + rest
        }
        return path.isEmpty ? "/" : String(path)
    }

    private func route(_ h: HTTPRequestHead) {
        let path = HTTPHandler.normalize(h.uri)
        if let token = config.apiToken, !path.hasPrefix("/sim/") {
            guard h.headers.first(name: "authorization") == "Bearer \(token)" else {
                respond(.unauthorized, contentType: "application/json", LoraxError.json("Unauthorized", "unauthorized"))
                return
            }
        }
        let isGet = h.method == .GET || h.method == .HEAD
        let isPost = h.method == .POST
        switch path {
        case "/health", "/ping", "/startup":
            isGet ? respond(.ok, contentType: nil, "") : respond(.methodNotAllowed, contentType: nil, "")
        case "/":
            if isGet { respond(.ok, contentType: nil, "") } else if isPost { generation(h, path: path, kind: .compat) } else { respond(.methodNotAllowed, contentType: nil, "") }
        case "/info":
            isGet ? respond(.ok, contentType: "application/json", infoJSON()) : respond(.methodNotAllowed, contentType: nil, "")
        case "/metrics":
            isGet ? respond(.ok, contentType: "text/plain; charset=utf-8", engine.shared.prometheus()) : respond(.methodNotAllowed, contentType: nil, "")
        case "/generate", "/generate_stream", "/invocations", "/v1/completions", "/v1/chat/completions":
            guard isPost else { respond(.methodNotAllowed, contentType: nil, ""); return }
            let kind: RouteKind
            switch path {
            case "/generate": kind = .generate
            case "/generate_stream": kind = .generateStream
            case "/invocations": kind = .compat
            case "/v1/completions": kind = .completions
            default: kind = .chat
            }
            generation(h, path: path, kind: kind)
        case "/sim/requests":
            isGet ? respond(.ok, contentType: "application/json", encode(engine.shared.allRecords())) : respond(.methodNotAllowed, contentType: nil, "")
        case "/sim/stats":
            isGet ? respond(.ok, contentType: "application/json", encode(engine.shared.snapshot())) : respond(.methodNotAllowed, contentType: nil, "")
        case "/sim/reset":
            guard isPost else { respond(.methodNotAllowed, contentType: nil, ""); return }
            engine.reset()
            respond(.ok, contentType: "application/json", "{}")
        default:
            respond(.notFound, contentType: nil, "")
        }
    }

    enum RouteKind { case generate, generateStream, compat, completions, chat }

    private func generation(_ h: HTTPRequestHead, path: String, kind: RouteKind) {
        let received = monoNanos()
        let ct = h.headers.first(name: "content-type")?.lowercased() ?? ""
        let essence = ct.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json")) else {
            respondText(.unsupportedMediaType, "Expected request with `Content-Type: application/json`")
            return
        }
        var spec: GenerationSpec
        do {
            switch kind {
            case .generate: spec = try RequestParsing.native(body, stream: false, compat: false)
            case .generateStream: spec = try RequestParsing.native(body, stream: true, compat: false)
            case .compat: spec = try RequestParsing.native(body, stream: false, compat: true)
            case .completions: spec = try RequestParsing.completions(body, modelId: config.modelId)
            case .chat: spec = try RequestParsing.chat(body, modelId: config.modelId)
            }
        } catch {
            respondText(HTTPResponseStatus(statusCode: error.status), error.message)
            return
        }
        spec.measurePrompt(tokensPerWord: config.tokensPerWord, prefixBlockWords: config.prefixCacheBlocks > 0 ? config.prefixBlockWords : nil)
        spec.id = h.headers.first(name: "x-request-id") ?? engine.nextRequestID()
        spec.route = path
        spec.receivedNanos = received
        current = engine.handle(spec, sink: self)
    }

    private func encode<T: Encodable>(_ v: T) -> String {
        (try? JSONEncoder().encode(v)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private func infoJSON() -> String {
        let c = config
        return "{\"model_id\":\(JSONEscape.quoted(c.modelId)),\"model_sha\":null,\"model_dtype\":\"torch.float16\",\"model_device_type\":\"cuda\","
            + "\"model_pipeline_tag\":null,\"max_concurrent_requests\":\(c.maxConcurrentRequests),\"max_best_of\":2,\"max_stop_sequences\":4,"
            + "\"max_input_length\":\(c.maxInputLength),\"max_total_tokens\":\(c.maxTotalTokens),\"waiting_served_ratio\":1.2,"
            + "\"max_batch_total_tokens\":\(c.maxBatchTotalTokens),\"max_waiting_tokens\":20,\"validation_workers\":2,\"eager_prefill\":false,"
            + "\"version\":\"0.1.0\",\"sha\":null,\"docker_label\":null,\"request_logger_url\":null}"
    }

    // MARK: writing

    private func respondText(_ status: HTTPResponseStatus, _ text: String) {
        respond(status, contentType: "text/plain; charset=utf-8", text)
    }

    private func respond(_ status: HTTPResponseStatus, contentType: String?, _ text: String) {
        var h = HTTPHeaders()
        if let ct = contentType { h.add(name: "content-type", value: ct) }
        sinkRespond(status: status, headers: h, body: text)
    }

    func sinkStartStream(headers: HTTPHeaders) {
        guard let context else { return }
        var h = headers
        if !keepAlive { h.add(name: "connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: responseVersion, status: .ok, headers: h))), promise: nil)
    }

    func sinkWrite(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    func sinkWriteFramed(_ buffer: ByteBuffer) {
        // Only valid between a chunked head and its end, which the engine guarantees. HTTP/1.0
        // responses are not chunked, so they get the payload without its chunk framing.
        if chunkedResponse {
            raw.context?.writeAndFlush(NIOAny(buffer), promise: nil)
        } else if let crlf = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")),
                  let payload = buffer.getSlice(at: crlf + 1, length: buffer.writerIndex - crlf - 1 - 2) {
            sinkWrite(payload)
        }
    }

    /// Writes and flushes the end of the response; without keep-alive, closes the connection once it is written.
    private func writeEnd(_ context: ChannelHandlerContext) {
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func sinkEnd() {
        current = nil
        guard let context else { return }
        writeEnd(context)
    }

    func sinkRespond(status: HTTPResponseStatus, headers: HTTPHeaders, body text: String) {
        current = nil
        guard let context else { return }
        var h = headers
        let buf = context.channel.allocator.buffer(string: text)
        h.replaceOrAdd(name: "content-length", value: String(buf.readableBytes))
        if !keepAlive { h.replaceOrAdd(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: responseVersion, status: status, headers: h))), promise: nil)
        if buf.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil) }
        writeEnd(context)
    }

    func sinkReset() {
        current = nil
        guard let context else { return }
        let channel = context.channel
        if let provider = channel as? SocketOptionProvider {
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    func sinkClose() {
        current = nil
        context?.close(promise: nil)
    }
}
